//! File uploads (`multipart/form-data` bodies): contact imports, voice sound files, media.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use crate::Error;

/// One field of a multipart body.
#[derive(Debug)]
pub enum Part {
    /// A plain text field.
    Text(String),
    /// A file field.
    File(FilePart),
}

impl From<FilePart> for Part {
    fn from(f: FilePart) -> Self {
        Part::File(f)
    }
}

enum Source {
    Path(PathBuf),
    Bytes(Bytes),
    /// Behind a mutex only so that `FilePart` is `Sync` without requiring a `Sync` stream; the
    /// stream is taken exactly once, when the request is sent.
    Stream(
        Mutex<Option<BoxStream<'static, io::Result<Bytes>>>>,
        Option<u64>,
    ),
}

/// A file to upload: from a path (streamed from disk at send time), from bytes in memory, or
/// from any stream of bytes.
///
/// ```no_run
/// use qikberry::multipart::FilePart;
///
/// let csv = FilePart::from_bytes("mobile,name\n919999999999,Asha\n", "contacts.csv")
///     .mime_type("text/csv");
/// let audio = FilePart::from_path("welcome.mp3"); // read when the request is sent
/// # let _ = (csv, audio);
/// ```
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    mime_type: Option<String>,
}

impl FilePart {
    /// A file on disk. It is opened and streamed when the request is sent; its file name is sent
    /// as the part's file name and its MIME type is guessed from the extension unless
    /// [`mime_type`](Self::mime_type) is set.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            mime_type: None,
        }
    }

    /// Bytes in memory, sent with the given file name.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: Some(file_name.into()),
            mime_type: None,
        }
    }

    /// A stream of bytes, sent with the given file name. Pass its length if known (some servers
    /// need a `Content-Length` per part). A stream can be sent only once.
    pub fn from_stream<S>(stream: S, file_name: impl Into<String>, len: Option<u64>) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        FilePart {
            source: Source::Stream(Mutex::new(Some(stream.boxed())), len),
            file_name: Some(file_name.into()),
            mime_type: None,
        }
    }

    /// Sets the part's MIME type, e.g. `text/csv` or `audio/mpeg`.
    pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = Some(mime.into());
        self
    }

    /// Replaces the file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The file name sent with the part.
    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// Whether this part can be sent again (bytes and paths can, streams cannot).
    pub fn is_repeatable(&self) -> bool {
        !matches!(self.source, Source::Stream(..))
    }

    /// A copy of a repeatable part (`None` for streams).
    pub fn try_clone(&self) -> Option<FilePart> {
        let source = match &self.source {
            Source::Path(p) => Source::Path(p.clone()),
            Source::Bytes(b) => Source::Bytes(b.clone()),
            Source::Stream(..) => return None,
        };
        Some(FilePart {
            source,
            file_name: self.file_name.clone(),
            mime_type: self.mime_type.clone(),
        })
    }

    /// Turns the part into a reqwest part, opening the file if it is a path.
    pub(crate) async fn into_reqwest(self) -> Result<reqwest::multipart::Part, Error> {
        let FilePart {
            source,
            file_name,
            mime_type,
        } = self;
        let part = match source {
            Source::Path(path) => {
                reqwest::multipart::Part::file(&path)
                    .await
                    .map_err(|e| Error::Encode {
                        message: format!("cannot open upload file {}: {e}", path.display()),
                    })?
            }
            Source::Bytes(b) => reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(b.clone()),
                b.len() as u64,
            ),
            Source::Stream(slot, len) => {
                let stream = slot
                    .into_inner()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .ok_or_else(|| Error::Encode {
                        message: "a streamed file part can be sent only once".into(),
                    })?;
                let body = reqwest::Body::wrap_stream(stream);
                match len {
                    Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
                    None => reqwest::multipart::Part::stream(body),
                }
            }
        };
        let part = match file_name {
            Some(n) => part.file_name(n),
            None => part,
        };
        match mime_type {
            Some(m) => part.mime_str(&m).map_err(|_| Error::Encode {
                message: format!("invalid MIME type {m:?} for file part"),
            }),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(p) => format!("path {}", p.display()),
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Stream(_, len) => match len {
                Some(l) => format!("stream of {l} bytes"),
                None => "stream".to_owned(),
            },
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .finish()
    }
}

impl Part {
    /// A copy of a repeatable part (`None` for a streamed file).
    pub fn try_clone(&self) -> Option<Part> {
        match self {
            Part::Text(t) => Some(Part::Text(t.clone())),
            Part::File(f) => f.try_clone().map(Part::File),
        }
    }
}

/// Builds a reqwest form from the parts, in order.
pub(crate) async fn build_form(
    parts: Vec<(String, Part)>,
) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        form = match part {
            Part::Text(t) => form.text(name, t),
            Part::File(f) => form.part(name, f.into_reqwest().await?),
        };
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn render(parts: Vec<(String, Part)>) -> (String, String) {
        let form = build_form(parts).await.unwrap();
        let boundary = form.boundary().to_owned();
        let mut body = Vec::new();
        let mut s = form.into_stream();
        while let Some(chunk) = s.next().await {
            body.extend_from_slice(&chunk.unwrap());
        }
        (boundary, String::from_utf8(body).unwrap())
    }

    #[tokio::test]
    async fn bytes_path_and_stream_parts() {
        let dir = std::env::temp_dir().join(format!("qikberry-mp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sound.wav");
        std::fs::write(&path, b"RIFFdata").unwrap();

        let stream = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"a,b\n")),
            Ok(Bytes::from_static(b"1,2\n")),
        ]);
        let parts = vec![
            ("name".to_owned(), Part::Text("list one".into())),
            (
                "file".to_owned(),
                FilePart::from_bytes("x,y\n", "c.csv")
                    .mime_type("text/csv")
                    .into(),
            ),
            ("sound".to_owned(), FilePart::from_path(&path).into()),
            (
                "more".to_owned(),
                FilePart::from_stream(stream, "s.csv", Some(8)).into(),
            ),
        ];
        assert!(parts[2].1.try_clone().is_some());
        assert!(parts[3].1.try_clone().is_none());
        let (boundary, body) = render(parts).await;
        assert!(body.contains("name=\"name\"\r\n\r\nlist one\r\n"), "{body}");
        assert!(
            body.contains(
                "name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\nx,y\n\r\n"
            ),
            "{body}"
        );
        assert!(
            body.contains("name=\"sound\"; filename=\"sound.wav\"\r\nContent-Type: audio/"),
            "{body}"
        );
        assert!(body.contains("RIFFdata"), "{body}");
        assert!(
            body.contains("filename=\"s.csv\"\r\n\r\na,b\n1,2\n\r\n"),
            "{body}"
        );
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn missing_file_is_an_encode_error() {
        let err = build_form(vec![(
            "file".into(),
            FilePart::from_path("/nonexistent/qikberry.csv").into(),
        )])
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Encode { .. }));
        assert!(
            err.to_string().contains("/nonexistent/qikberry.csv"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn bad_mime_is_an_encode_error() {
        let err = build_form(vec![(
            "file".into(),
            FilePart::from_bytes("x", "x.bin")
                .mime_type("not a mime")
                .into(),
        )])
        .await
        .unwrap_err();
        assert!(err.to_string().contains("not a mime"), "{err}");
    }
}
