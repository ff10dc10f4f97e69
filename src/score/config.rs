//! The `[score]` table of repohealth.toml.
//!
//! ```toml
//! [score]
//! min_evidence = 5                              # values a sampled criterion needs
//! version_tag_regex = '^v?\d+(\.\d+)+$'         # which tags are releases
//! [score.criteria."trunk_based.lifetime_median"]
//! target = 0.5                                  # days
//! failing = 5
//! weight = 4
//! ```

use super::criteria::{CriterionDef, Model, DEFAULT_MIN_EVIDENCE};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreConfig {
    /// A criterion computed from a sample (lifetimes, sizes, landings, changes) is n/a with
    /// fewer known values than this.
    pub min_evidence: usize,
    /// Overrides the version-like tag pattern (`criteria::DEFAULT_VERSION_TAG_REGEX`).
    pub version_tag_regex: Option<String>,
    /// Per-criterion overrides keyed by `"<model>.<criterion id>"`.
    pub criteria: BTreeMap<String, CriterionOverride>,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        ScoreConfig {
            min_evidence: DEFAULT_MIN_EVIDENCE,
            version_tag_regex: None,
            criteria: BTreeMap::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionOverride {
    pub target: Option<f64>,
    pub failing: Option<f64>,
    pub weight: Option<f64>,
}

impl ScoreConfig {
    /// Parse the body of a `[score]` table (as a standalone TOML document) and validate it.
    pub fn from_toml_str(s: &str) -> anyhow::Result<ScoreConfig> {
        let cfg: ScoreConfig = toml::from_str(s).context("invalid [score] configuration")?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Read the `[score]` table of an already parsed repohealth.toml and validate it.
    pub fn from_table(table: toml::Table) -> anyhow::Result<ScoreConfig> {
        let cfg = ScoreConfig::deserialize(toml::Value::Table(table))
            .context("invalid [score] configuration")?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reject unknown criterion keys, non-finite or negative numbers, a target equal to the
    /// failing value, and a tag pattern that does not compile.
    pub fn validate(&self) -> anyhow::Result<()> {
        for (key, o) in &self.criteria {
            let Some(def) = lookup(key) else {
                let known: Vec<String> = Model::ALL
                    .iter()
                    .flat_map(|m| {
                        m.criteria()
                            .iter()
                            .map(move |c| format!("{}.{}", m.id(), c.id))
                    })
                    .collect();
                bail!(
                    "[score.criteria] unknown criterion {key:?}; known: {}",
                    known.join(", ")
                );
            };
            for (name, v) in [
                ("target", o.target),
                ("failing", o.failing),
                ("weight", o.weight),
            ] {
                if let Some(v) = v {
                    if !v.is_finite() {
                        bail!("[score.criteria.{key:?}] {name} must be a finite number");
                    }
                }
            }
            if o.weight.is_some_and(|w| w < 0.0) {
                bail!("[score.criteria.{key:?}] weight must be >= 0");
            }
            let d = apply(def, Some(o));
            if d.target == d.failing {
                bail!(
                    "[score.criteria.{key:?}] target and failing are both {}: no direction to score in",
                    d.target
                );
            }
        }
        if let Some(re) = &self.version_tag_regex {
            regex::Regex::new(re).with_context(|| format!("[score] version_tag_regex {re:?}"))?;
        }
        Ok(())
    }

    /// The effective criteria of a model, overrides applied.
    /// The version-tag pattern in force: the configured one, else the default (an invalid
    /// pattern is rejected by [`ScoreConfig::validate`] and reported as a finding by `score`).
    pub fn version_regex(&self) -> regex::Regex {
        self.version_tag_regex
            .as_deref()
            .and_then(|p| regex::Regex::new(p).ok())
            .unwrap_or_else(|| {
                regex::Regex::new(super::criteria::DEFAULT_VERSION_TAG_REGEX)
                    .expect("valid default")
            })
    }

    pub fn criteria_of(&self, model: Model) -> Vec<CriterionDef> {
        model
            .criteria()
            .iter()
            .map(|d| apply(d, self.criteria.get(&format!("{}.{}", model.id(), d.id))))
            .collect()
    }
}

fn lookup(key: &str) -> Option<&'static CriterionDef> {
    let (model, id) = key.split_once('.')?;
    Model::from_id(model)?
        .criteria()
        .iter()
        .find(|c| c.id == id)
}

fn apply(d: &CriterionDef, o: Option<&CriterionOverride>) -> CriterionDef {
    let mut d = *d;
    if let Some(o) = o {
        d.target = o.target.unwrap_or(d.target);
        d.failing = o.failing.unwrap_or(d.failing);
        d.weight = o.weight.unwrap_or(d.weight);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = ScoreConfig::from_toml_str("").unwrap();
        assert_eq!(c, ScoreConfig::default());
        assert_eq!(c.min_evidence, 5);
        assert_eq!(c.criteria_of(Model::TrunkBased)[0].target, 1.0);
    }

    #[test]
    fn overrides_apply_to_one_model_only() {
        let c = ScoreConfig::from_toml_str(
            "min_evidence = 3\nversion_tag_regex = '^release-\\d+$'\n\
             [criteria.\"trunk_based.lifetime_median\"]\ntarget = 0.5\nweight = 4\n",
        )
        .unwrap();
        assert_eq!(c.min_evidence, 3);
        let t = c.criteria_of(Model::TrunkBased);
        let lm = t.iter().find(|d| d.id == "lifetime_median").unwrap();
        assert_eq!((lm.target, lm.failing, lm.weight), (0.5, 7.0, 4.0));
        let g = c.criteria_of(Model::GithubFlow);
        assert_eq!(
            g.iter().find(|d| d.id == "lifetime_median").unwrap().target,
            3.0
        );
    }

    #[test]
    fn from_a_parsed_table() {
        let doc: toml::Table = toml::from_str(
            "[score]\nmin_evidence = 2\n[score.criteria.\"gitflow.ci_config\"]\nweight = 5\n",
        )
        .unwrap();
        let t = doc["score"].as_table().unwrap().clone();
        let c = ScoreConfig::from_table(t).unwrap();
        assert_eq!(c.min_evidence, 2);
        assert_eq!(c.criteria["gitflow.ci_config"].weight, Some(5.0));
        assert_eq!(
            ScoreConfig::from_table(toml::Table::new()).unwrap(),
            ScoreConfig::default()
        );
        let mut bad = toml::Table::new();
        bad.insert("min_evidence".into(), toml::Value::String("x".into()));
        assert!(ScoreConfig::from_table(bad).is_err());
    }

    #[test]
    fn rejects_bad_input() {
        assert!(ScoreConfig::from_toml_str("[criteria.\"trunk_based.nope\"]\ntarget = 1").is_err());
        assert!(
            ScoreConfig::from_toml_str("[criteria.\"nope.lifetime_median\"]\ntarget = 1").is_err()
        );
        assert!(ScoreConfig::from_toml_str(
            "[criteria.\"trunk_based.lifetime_median\"]\nweight = -1"
        )
        .is_err());
        assert!(ScoreConfig::from_toml_str(
            "[criteria.\"trunk_based.lifetime_median\"]\ntarget = 7"
        )
        .is_err());
        assert!(ScoreConfig::from_toml_str(
            "[criteria.\"trunk_based.lifetime_median\"]\ncolour = 7"
        )
        .is_err());
        assert!(ScoreConfig::from_toml_str("version_tag_regex = '('").is_err());
        assert!(ScoreConfig::from_toml_str("unknown = 1").is_err());
        let e =
            ScoreConfig::from_toml_str("[criteria.\"trunk_based.nope\"]\ntarget = 1").unwrap_err();
        assert!(format!("{e:#}").contains("trunk_based.lifetime_median"));
    }
}
