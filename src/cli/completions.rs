//! `repohealth completions SHELL` and `repohealth man`: generated from the clap definitions,
//! so they never drift from the options.

use super::Cli;
use anyhow::Result;
use clap::{Args, CommandFactory};

pub const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  repohealth completions bash > ~/.local/share/bash-completion/completions/repohealth
  repohealth completions zsh > \"${fpath[1]}/_repohealth\"
  repohealth completions fish > ~/.config/fish/completions/repohealth.fish";

pub const MAN_EXAMPLES: &str = "\
Examples:
  repohealth man > /usr/local/share/man/man1/repohealth.1
  repohealth man | man -l -";

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "repohealth", &mut out);
    super::emit_text(&String::from_utf8_lossy(&out))?;
    Ok(crate::error::exit::OK)
}

/// The man page (roff), the top-level command with every subcommand's options.
pub fn man() -> Result<i32> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("repohealth-{}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone()).title(name);
        page.render_title(&mut out)?;
        page.render_name_section(&mut out)?;
        page.render_synopsis_section(&mut out)?;
        page.render_description_section(&mut out)?;
        page.render_options_section(&mut out)?;
        page.render_extra_section(&mut out)?;
    }
    super::emit_text(&String::from_utf8_lossy(&out))?;
    Ok(crate::error::exit::OK)
}
