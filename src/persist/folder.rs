//! A model folder opened once, so that every file of one load comes from the same folder.
//!
//! A save puts a whole new folder in place of the old one (see [`super::replace`]). Read by
//! path, one file after another, a load racing a save could take `model.json` from one folder
//! and the weights from the other. On Unix the folder is opened once and each file opened
//! relative to that handle (`openat`), so the files are those of the folder the path named when
//! the load began, wherever a save moves it meanwhile. Elsewhere the files are read by path.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// An open model folder.
pub(super) struct Folder {
    path: PathBuf,
    /// The folder itself, opened read-only.
    #[cfg(unix)]
    handle: File,
}

impl Folder {
    /// Opens the folder `path` names now.
    pub(super) fn open(path: &Path) -> Result<Folder, Error> {
        #[cfg(unix)]
        {
            use rustix::fs::{open, Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let handle = open(path, flags, Mode::empty())
                .map_err(|err| Error::io(path, io::Error::from(err)))?;
            Ok(Folder {
                path: path.to_path_buf(),
                handle: File::from(handle),
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Folder {
                path: path.to_path_buf(),
            })
        }
    }

    /// Where the file `name` of the folder is, for messages.
    pub(super) fn path_of(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The bytes of the file `name` in the folder.
    pub(super) fn read(&self, name: &str) -> Result<Vec<u8>, Error> {
        let path = self.path_of(name);
        let mut bytes = Vec::new();
        self.open_file(name)
            .and_then(|mut file| file.read_to_end(&mut bytes))
            .map_err(|err| Error::io(&path, err))?;
        Ok(bytes)
    }

    #[cfg(unix)]
    fn open_file(&self, name: &str) -> io::Result<File> {
        use rustix::fs::{openat, Mode, OFlags};
        let file = openat(
            &self.handle,
            name,
            OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(File::from(file))
    }

    #[cfg(not(unix))]
    fn open_file(&self, name: &str) -> io::Result<File> {
        File::open(self.path_of(name))
    }

    /// Whether the folder's path still names this folder (always, where that cannot be told):
    /// not when a save has put another in its place since it was opened.
    pub(super) fn is_still_at_its_path(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let identity = |meta: std::fs::Metadata| (meta.dev(), meta.ino());
            match (self.handle.metadata(), std::fs::metadata(&self.path)) {
                (Ok(open), Ok(now)) => identity(open) == identity(now),
                _ => false,
            }
        }
        #[cfg(not(unix))]
        {
            true
        }
    }
}
