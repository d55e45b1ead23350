//! The actors-file parser: `Canonical Name = alias | alias` lines into an [`ActorList`].
//!
//! The format is documented on [`ActorList`]; errors name the line and column (in
//! characters) of the problem.
use rustc_hash::FxHashMap;

use super::types::{ActorFileError, ActorList, KnownActor};

/// Parses the actors-file format documented on [`ActorList`].
pub(crate) fn parse_actor_list(text: &str, origin: &str) -> Result<ActorList, ActorFileError> {
    let mut list = ActorList::new();
    // lower-case name -> (canonical, line)
    let mut seen: FxHashMap<String, (String, usize)> = FxHashMap::default();
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw_line.trim_start_matches('\u{feff}');
        let offset = raw_line.len() - line.len();
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        let column = |byte: usize| {
            raw_line
                .get(..offset + byte)
                .map_or(1, |s| s.chars().count() + 1)
        };
        let (name_part, rest) = match content.find('=') {
            Some(eq) => (&content[..eq], Some((eq, &content[eq + 1..]))),
            None => (content, None),
        };
        let name = name_part.trim();
        if name.is_empty() || name.contains('|') {
            let at = if name.is_empty() {
                name_part.len()
            } else {
                name_part.find('|').unwrap_or(0)
            };
            return Err(ActorFileError::MissingName {
                origin: origin.to_string(),
                line: line_no,
                column: column(at),
            });
        }
        let mut names = vec![(
            name.to_string(),
            column(name_part.len() - name_part.trim_start().len()),
        )];
        if let Some((eq, rest)) = rest {
            if let Some(second) = rest.find('=') {
                return Err(ActorFileError::SecondEquals {
                    origin: origin.to_string(),
                    line: line_no,
                    column: column(eq + 1 + second),
                });
            }
            let mut separator_at = eq;
            let mut separator = '=';
            let mut piece_start = eq + 1;
            for piece in rest.split('|') {
                let alias = piece.trim();
                if alias.is_empty() {
                    return Err(ActorFileError::EmptyAlias {
                        origin: origin.to_string(),
                        line: line_no,
                        column: column(separator_at),
                        after: separator,
                    });
                }
                names.push((
                    alias.to_string(),
                    column(piece_start + piece.len() - piece.trim_start().len()),
                ));
                separator_at = piece_start + piece.len();
                separator = '|';
                piece_start += piece.len() + 1;
            }
        }
        for (n, col) in &names {
            let key = n.to_lowercase();
            if let Some((owner, owner_line)) = seen.get(&key) {
                if owner != name || *owner_line != line_no {
                    return Err(ActorFileError::Duplicate {
                        origin: origin.to_string(),
                        line: line_no,
                        column: *col,
                        name: n.clone(),
                        owner: owner.clone(),
                        owner_line: *owner_line,
                    });
                }
            }
            seen.insert(key, (name.to_string(), line_no));
        }
        list.actors.push(KnownActor {
            name: name.to_string(),
            aliases: names.into_iter().skip(1).map(|(n, _)| n).collect(),
        });
    }
    Ok(list)
}

/// The line without a `#` comment (a whole-line comment, or ` #` and what follows).
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_file_format_and_errors() {
        let list = ActorList::parse(
            "# seed\n\nNYPD = NYPD officers | police officers # note\nDonald Trump\n",
            "f",
        )
        .expect("valid");
        assert_eq!(list.actors.len(), 2);
        assert_eq!(
            list.actors[0].aliases,
            vec!["NYPD officers", "police officers"]
        );
        assert!(list.actors[1].aliases.is_empty());
        let err = ActorList::parse("A = b\n = c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::MissingName {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b ||c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::EmptyAlias {
                    line: 1,
                    column: 7,
                    after: '|',
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b = c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::SecondEquals {
                    line: 1,
                    column: 7,
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b\nC = B", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::Duplicate {
                    line: 2,
                    column: 5,
                    owner_line: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().starts_with("f.txt:2:5:"));
        let err = ActorList::from_file(std::path::Path::new("/no/such/file")).unwrap_err();
        assert!(matches!(err, ActorFileError::Io { .. }));
    }
}
