//! A small XML element tree over quick-xml, for Maven POMs and MSBuild project files.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::ctx::line_of;

/// A minimal element tree: enough to walk a POM or an MSBuild project.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct El {
    pub name: String,
    /// Attributes by local name, in document order, values unescaped.
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<El>,
}

impl El {
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The value of an attribute, by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// This element and every element below it, depth first.
    pub fn descendants(&self) -> Vec<&El> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() {
            let el = out[i];
            out.extend(el.children.iter());
            i += 1;
        }
        out
    }

    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_string())
            .filter(|s| !s.is_empty())
    }
}

pub(crate) fn parse_xml(text: &str) -> Result<El, (u32, String)> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<El> = vec![El::default()];
    let err = |reader: &Reader<&[u8]>, m: String| {
        let pos = usize::try_from(reader.error_position()).unwrap_or(0);
        (line_of(text, pos), m)
    };
    loop {
        match reader.read_event() {
            Err(e) => return Err(err(&reader, e.to_string())),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                if stack.len() > 256 {
                    return Err(err(&reader, "nesting too deep".into()));
                }
                stack.push(element(&e));
            }
            Ok(Event::Empty(e)) => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(element(&e));
                }
            }
            Ok(Event::End(_)) => {
                let Some(done) = stack.pop() else { break };
                match stack.last_mut() {
                    Some(top) => top.children.push(done),
                    None => return Err(err(&reader, "unbalanced end tag".into())),
                }
            }
            Ok(Event::Text(t)) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    top.text.push_str(&s);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(top) = stack.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => top.text.push(c),
                        _ => {
                            let name = r.decode().unwrap_or_default();
                            top.text.push_str(match name.as_ref() {
                                "amp" => "&",
                                "lt" => "<",
                                "gt" => ">",
                                "quot" => "\"",
                                "apos" => "'",
                                _ => "",
                            });
                        }
                    }
                }
            }
            Ok(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err((line_of(text, text.len()), "unclosed element".into()));
    }
    stack
        .pop()
        .and_then(|r| r.children.into_iter().next())
        .ok_or((1, "empty document".into()))
}

/// An element's name and attributes (attributes that do not parse are left out).
fn element(e: &BytesStart) -> El {
    let attrs = e
        .attributes()
        .filter_map(Result::ok)
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (key, value)
        })
        .collect();
    El {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        attrs,
        ..El::default()
    }
}
