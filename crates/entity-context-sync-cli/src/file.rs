//! The desired-state file: parsed with positions, so every error names the
//! file, line and column, and never a secret's value.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use entity_context_sync::{DesiredState, Error, NewSync};
use toml::de::{DeTable, DeValue};

/// A file, read and parsed.
#[derive(Debug)]
pub struct Loaded {
    /// The path as given.
    pub path: PathBuf,
    /// What it declares.
    pub desired: DesiredState,
    text: String,
}

/// An error in the file: `path:line:col: message`.
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    at: Option<(usize, usize)>,
    message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, col)) => {
                write!(f, "{}:{line}:{col}: {}", self.path.display(), self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl Loaded {
    /// Reads and parses `path`; nothing is sent.
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            path: path.to_owned(),
            at: None,
            message: format!("cannot read the file: {}", io_reason(&e)),
        })?;
        let desired: DesiredState = toml::from_str(&text).map_err(|e| FileError {
            path: path.to_owned(),
            at: e.span().map(|s| line_col(&text, s.start)),
            // The message alone: the error's Display quotes the source line,
            // which may hold a literal secret.
            message: e.message().trim_end().replace('\n', "; "),
        })?;
        Ok(Self {
            path: path.to_owned(),
            desired,
            text,
        })
    }

    /// The syncs, resolved: secrets read through `env` (and files relative
    /// to this file's directory). Errors point at the sync's field.
    pub fn resolve(&self, env: impl Fn(&str) -> Option<String>) -> Result<Vec<NewSync>, FileError> {
        let base = self.path.parent().unwrap_or(Path::new("."));
        self.desired
            .resolve_with(base, env)
            .map_err(|e| self.error(e))
    }

    /// A resolution error, placed at the field it names.
    fn error(&self, e: Error) -> FileError {
        let at = match &e {
            Error::Desired { sync, field, .. } => Some(self.locate(*sync, field)),
            _ => None,
        };
        FileError {
            path: self.path.clone(),
            at,
            message: e.to_string(),
        }
    }

    /// Line and column of `field` (`name`, `secrets.api_token`) of the
    /// `index`th sync, or of the sync itself when the field is absent.
    fn locate(&self, index: usize, field: &str) -> (usize, usize) {
        let Ok(doc) = DeTable::parse(&self.text) else {
            return (1, 1);
        };
        let sync = doc.get_ref().get("sync").and_then(|v| match v.get_ref() {
            DeValue::Array(items) => items.get(index),
            _ => None,
        });
        let Some(sync) = sync else {
            return (1, 1);
        };
        let mut span: Range<usize> = sync.span();
        let mut here = sync;
        for key in field.split('.') {
            let DeValue::Table(table) = here.get_ref() else {
                break;
            };
            match table.get(key) {
                Some(v) => {
                    span = v.span();
                    here = v;
                }
                None => break,
            }
        }
        line_col(&self.text, span.start)
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// An I/O error's reason without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        kind => kind.to_string(),
    }
}
