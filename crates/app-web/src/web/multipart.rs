//! Reading a posted form that may carry files (`multipart/form-data`), or
//! not: the same handler serves browsers with and without JavaScript.

use axum::extract::Multipart;
use histologe_core::form::Answers;

/// A file the person chose.
#[derive(Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The text fields and the files of a multipart body. An empty file input
/// (nothing chosen) is no file.
pub async fn read(mut multipart: Multipart) -> Result<(Answers, Vec<Upload>), String> {
    let mut answers = Answers::new();
    let mut uploads = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                if !file_name.is_empty() && !bytes.is_empty() {
                    uploads.push(Upload {
                        field: name,
                        file_name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            None => {
                let value = field.text().await.map_err(|e| e.body_text())?;
                answers.push(name, value);
            }
        }
    }
    Ok((answers, uploads))
}
