//! What an upload may be (§1.8): its type decided by its content (magic
//! bytes), never by its name nor by what the browser claims; the types each
//! kind of document accepts; the size limit; a safe title; the storage key
//! (generated, never the person's file name); the download headers.
//!
//! Pure: bytes in, decisions out. Decoding images (metadata, variants) is
//! the `ImageProcessor` port's business. Why content sniffing by hand
//! rather than a crate: docs/decisions/0014-upload-type-by-content.md.

use std::fmt;

use crate::enums::DocumentType;
use crate::error::DomainError;
use crate::ids::{FileId, SignalementId};

/// 10 Mo, the default limit per file (`UPLOAD_MAX_BYTES` overrides it).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The longest title kept (the database column holds 255 characters).
const MAX_TITLE_CHARS: usize = 120;

/// The types Histologe keeps (§1.8: jpeg jpg png gif pdf docx odt doc txt
/// xls xlsx eml msg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Jpeg,
    Png,
    Gif,
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Doc,
    Xls,
    Txt,
    Eml,
    Msg,
}

impl FileKind {
    pub const IMAGES: &'static [FileKind] = &[FileKind::Jpeg, FileKind::Png, FileKind::Gif];
    pub const ALL: &'static [FileKind] = &[
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Gif,
        FileKind::Pdf,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Odt,
        FileKind::Doc,
        FileKind::Xls,
        FileKind::Txt,
        FileKind::Eml,
        FileKind::Msg,
    ];

    /// The exact `Content-Type` served at download.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Gif => "image/gif",
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Doc => "application/msword",
            FileKind::Xls => "application/vnd.ms-excel",
            FileKind::Txt => "text/plain; charset=utf-8",
            FileKind::Eml => "message/rfc822",
            FileKind::Msg => "application/vnd.ms-outlook",
        }
    }

    /// The extension given to the stored file and to its download name.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Gif => "gif",
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Odt => "odt",
            FileKind::Doc => "doc",
            FileKind::Xls => "xls",
            FileKind::Txt => "txt",
            FileKind::Eml => "eml",
            FileKind::Msg => "msg",
        }
    }

    /// The name the refusal messages give.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Gif => "GIF",
            FileKind::Pdf => "PDF",
            FileKind::Docx => "Word (DOCX)",
            FileKind::Xlsx => "Excel (XLSX)",
            FileKind::Odt => "OpenDocument (ODT)",
            FileKind::Doc => "Word (DOC)",
            FileKind::Xls => "Excel (XLS)",
            FileKind::Txt => "texte (TXT)",
            FileKind::Eml => "e-mail (EML)",
            FileKind::Msg => "e-mail Outlook (MSG)",
        }
    }

    /// Images get their metadata stripped and a resized variant and a
    /// thumbnail (§1.8: "images resizable: jpeg/jpg/png/gif").
    pub fn is_image(self) -> bool {
        Self::IMAGES.contains(&self)
    }

    /// The kind of a stored file, from its stored extension.
    pub fn from_extension(extension: &str) -> Option<FileKind> {
        let e = extension.to_ascii_lowercase();
        if e == "jpeg" {
            return Some(FileKind::Jpeg);
        }
        Self::ALL.iter().copied().find(|k| k.extension() == e)
    }
}

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Kind(FileKind),
    /// A program or a script (PE `MZ`, ELF, Mach-O, `#!`): refused whatever
    /// its name.
    Executable,
    /// Anything else (archives, HTML, videos, unknown binaries).
    Unknown,
}

const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The type of `bytes`, from their content only.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(b"MZ")
        || starts(b"\x7fELF")
        || starts(b"#!")
        || starts(&[0xFE, 0xED, 0xFA, 0xCE])
        || starts(&[0xFE, 0xED, 0xFA, 0xCF])
        || starts(&[0xCE, 0xFA, 0xED, 0xFE])
        || starts(&[0xCF, 0xFA, 0xED, 0xFE])
        || starts(&[0xCA, 0xFE, 0xBA, 0xBE])
    {
        return Sniffed::Executable;
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Kind(FileKind::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Kind(FileKind::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::Kind(FileKind::Gif);
    }
    if starts(b"%PDF-") {
        return Sniffed::Kind(FileKind::Pdf);
    }
    if starts(b"PK\x03\x04") {
        return zip_document(bytes);
    }
    if starts(OLE2) {
        return ole2_document(bytes);
    }
    text_document(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Office Open XML and OpenDocument are zip archives; any other zip (an
/// archive, a jar, an apk) is unknown. OpenDocument stores its `mimetype`
/// first and uncompressed; OOXML names its main part in the central
/// directory, which is never compressed.
fn zip_document(bytes: &[u8]) -> Sniffed {
    let name_len = bytes
        .get(26..28)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    if let Some(len) = name_len
        && bytes.get(30..30 + len) == Some(b"mimetype".as_slice())
    {
        let head = &bytes[30 + len..bytes.len().min(30 + len + 200)];
        if contains(head, b"application/vnd.oasis.opendocument.text") {
            return Sniffed::Kind(FileKind::Odt);
        }
        return Sniffed::Unknown;
    }
    // Macro-enabled documents (.docm, .xlsm) carry a VBA project: refused.
    if !contains(bytes, b"[Content_Types].xml") || contains(bytes, b"vbaProject.bin") {
        return Sniffed::Unknown;
    }
    if contains(bytes, b"word/document.xml") {
        Sniffed::Kind(FileKind::Docx)
    } else if contains(bytes, b"xl/workbook.xml") {
        Sniffed::Kind(FileKind::Xlsx)
    } else {
        Sniffed::Unknown
    }
}

fn utf16(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Word 97, Excel 97 and Outlook messages share the OLE2 container; its
/// directory names their streams in UTF-16.
fn ole2_document(bytes: &[u8]) -> Sniffed {
    if contains(bytes, &utf16("WordDocument")) {
        Sniffed::Kind(FileKind::Doc)
    } else if contains(bytes, &utf16("Workbook")) || contains(bytes, &utf16("Book")) {
        Sniffed::Kind(FileKind::Xls)
    } else if contains(bytes, &utf16("__substg1.0_")) {
        Sniffed::Kind(FileKind::Msg)
    } else {
        Sniffed::Unknown
    }
}

/// Text without NUL nor control bytes (UTF-8 or Latin-1 both pass); an
/// e-mail when its header block has a `From:` and a `Date:`, `Subject:`,
/// `Received:` or `Message-ID:`. Markup (HTML, SVG, XML) is unknown: a
/// browser would run it.
fn text_document(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Unknown;
    }
    let is_text = bytes
        .iter()
        .all(|&b| (b >= 0x20 && b != 0x7F) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C));
    if !is_text {
        return Sniffed::Unknown;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head: Vec<u8> = body
        .iter()
        .take(512)
        .skip_while(|b| b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    if [
        b"<!doctype".as_slice(),
        b"<html",
        b"<svg",
        b"<?xml",
        b"<script",
    ]
    .iter()
    .any(|m| head.starts_with(m))
    {
        return Sniffed::Unknown;
    }
    if looks_like_email(body) {
        Sniffed::Kind(FileKind::Eml)
    } else {
        Sniffed::Kind(FileKind::Txt)
    }
}

fn looks_like_email(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]);
    let mut has_from = false;
    let mut has_other = false;
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue; // folded header
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        let name = name.to_ascii_lowercase();
        has_from |= name == "from";
        has_other |= matches!(
            name.as_str(),
            "date" | "subject" | "received" | "message-id" | "to"
        );
    }
    has_from && has_other
}

/// The limits of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadRules {
    pub max_bytes: u64,
}

impl Default for UploadRules {
    fn default() -> Self {
        UploadRules {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// The types a kind of document accepts: photos are images; every other
/// document any type of §1.8 (a scanned lease may be a photo).
pub fn accepted_kinds(document_type: DocumentType) -> &'static [FileKind] {
    match document_type {
        DocumentType::PhotoSituation | DocumentType::PhotoVisite => FileKind::IMAGES,
        _ => FileKind::ALL,
    }
}

/// Why an upload is refused. Each message says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    Empty,
    TooLarge {
        max_bytes: u64,
    },
    Executable {
        accepted: &'static [FileKind],
    },
    NotAccepted {
        accepted: &'static [FileKind],
    },
    /// Flagged by the antivirus.
    Infected,
}

/// "10 Mo", "2,5 Mo", "500 ko".
pub fn human_size(bytes: u64) -> String {
    const MO: u64 = 1024 * 1024;
    if bytes >= MO {
        let tenths = (bytes * 10 + MO / 2) / MO;
        if tenths.is_multiple_of(10) {
            format!("{} Mo", tenths / 10)
        } else {
            format!("{},{} Mo", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} ko", bytes.div_ceil(1024))
    }
}

fn list(kinds: &[FileKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for UploadRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadRefusal::Empty => f.write_str("Le fichier est vide. Choisissez un autre fichier."),
            UploadRefusal::TooLarge { max_bytes } => write!(
                f,
                "Le fichier dépasse la taille maximale autorisée de {} par fichier. Réduisez sa taille (photo moins grande, PDF compressé) ou envoyez-le en plusieurs parties.",
                human_size(*max_bytes)
            ),
            UploadRefusal::Executable { accepted } => write!(
                f,
                "Les programmes et les scripts ne sont pas acceptés. Formats acceptés : {}.",
                list(accepted)
            ),
            UploadRefusal::NotAccepted { accepted } => write!(
                f,
                "Ce type de fichier n'est pas accepté. Formats acceptés : {}.",
                list(accepted)
            ),
            UploadRefusal::Infected => f.write_str(
                "Ce fichier a été refusé par l'antivirus. Vérifiez-le, puis envoyez un autre fichier.",
            ),
        }
    }
}

impl UploadRefusal {
    /// Stable code for the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            UploadRefusal::Empty => "file.empty",
            UploadRefusal::TooLarge { .. } => "file.too_large",
            UploadRefusal::Executable { .. } => "file.executable",
            UploadRefusal::NotAccepted { .. } => "file.type_not_accepted",
            UploadRefusal::Infected => "file.infected",
        }
    }
}

impl From<UploadRefusal> for DomainError {
    fn from(r: UploadRefusal) -> Self {
        DomainError::invalid("fichier", r.to_string())
    }
}

/// The type of an upload for `document_type`, or why it is refused. The
/// size is checked first: nothing is read from an oversized file.
pub fn check(
    bytes: &[u8],
    document_type: DocumentType,
    rules: &UploadRules,
) -> Result<FileKind, UploadRefusal> {
    if bytes.len() as u64 > rules.max_bytes {
        return Err(UploadRefusal::TooLarge {
            max_bytes: rules.max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(UploadRefusal::Empty);
    }
    let accepted = accepted_kinds(document_type);
    match sniff(bytes) {
        Sniffed::Kind(kind) if accepted.contains(&kind) => Ok(kind),
        Sniffed::Executable => Err(UploadRefusal::Executable { accepted }),
        Sniffed::Kind(_) | Sniffed::Unknown => Err(UploadRefusal::NotAccepted { accepted }),
    }
}

/// A title safe to show and to send back as a file name: the last path
/// segment of what the browser sent, without control characters nor
/// `<>:"/\|?*`, spaces collapsed, at most 120 characters, ending with the
/// extension of the detected type (a PNG named `scan.pdf` becomes
/// `scan.png`). `fallback` when nothing is left.
pub fn display_title(file_name: &str, kind: FileKind, fallback: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = match base.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && ext.len() <= 5
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => base,
    };
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut title = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    title = title.trim_matches(['.', ' ']).to_string();
    if title.is_empty() {
        title = fallback.to_string();
    }
    let max = MAX_TITLE_CHARS - kind.extension().len() - 1;
    if title.chars().count() > max {
        title = title
            .chars()
            .take(max)
            .collect::<String>()
            .trim_end()
            .to_string();
    }
    format!("{title}.{}", kind.extension())
}

/// The object key of an original: generated, never the person's file name.
pub fn storage_key(signalement: SignalementId, file: FileId, kind: FileKind) -> String {
    format!("signalements/{signalement}/{file}.{}", kind.extension())
}

/// The derived images of a photo, made by the `files.variants` job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// At most 1000 px on its longest side: what the pages show.
    Resized,
    /// At most 200 px: lists and galleries.
    Thumbnail,
}

/// The key of a variant, next to its original (always JPEG).
pub fn variant_key(original_key: &str, variant: Variant) -> String {
    let stem = original_key
        .rsplit_once('.')
        .map_or(original_key, |(stem, _)| stem);
    match variant {
        Variant::Resized => format!("{stem}_resize.jpg"),
        Variant::Thumbnail => format!("{stem}_thumb.jpg"),
    }
}

/// `Content-Disposition: attachment` with an ASCII `filename` (accents
/// transliterated, quotes removed) and the exact UTF-8 name in
/// `filename*` (RFC 6266), so no header injection and no lost accent.
pub fn attachment_disposition(title: &str) -> String {
    let ascii: String = deunicode::deunicode(title)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = title
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(sniff(PNG), Sniffed::Kind(FileKind::Png));
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0JFIF"),
            Sniffed::Kind(FileKind::Jpeg)
        );
        assert_eq!(sniff(b"GIF89a...."), Sniffed::Kind(FileKind::Gif));
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Kind(FileKind::Pdf));
    }

    #[test]
    fn programs_and_scripts_are_executables() {
        for bytes in [
            b"MZ\x90\0\x03".as_slice(),
            b"\x7fELF\x02\x01",
            b"#!/bin/sh\nrm -rf /\n",
            &[0xCF, 0xFA, 0xED, 0xFE, 7, 0],
        ] {
            assert_eq!(sniff(bytes), Sniffed::Executable);
        }
    }

    #[test]
    fn office_documents_are_told_apart() {
        let docx = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0[Content_Types].xml...word/document.xml";
        assert_eq!(sniff(docx), Sniffed::Kind(FileKind::Docx));
        let xlsx = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0[Content_Types].xml...xl/workbook.xml";
        assert_eq!(sniff(xlsx), Sniffed::Kind(FileKind::Xlsx));
        let mut odt =
            b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\0\0\0mimetype".to_vec();
        odt.extend_from_slice(b"application/vnd.oasis.opendocument.text");
        assert_eq!(sniff(&odt), Sniffed::Kind(FileKind::Odt));
        let docm = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0[Content_Types].xml...word/document.xml...word/vbaProject.bin";
        assert_eq!(sniff(docm), Sniffed::Unknown);
        let zip = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0a.exe";
        assert_eq!(sniff(zip), Sniffed::Unknown);
        let mut doc = OLE2.to_vec();
        doc.extend(utf16("WordDocument"));
        assert_eq!(sniff(&doc), Sniffed::Kind(FileKind::Doc));
        let mut msg = OLE2.to_vec();
        msg.extend(utf16("__substg1.0_0037001F"));
        assert_eq!(sniff(&msg), Sniffed::Kind(FileKind::Msg));
    }

    #[test]
    fn text_email_and_markup() {
        assert_eq!(
            sniff("Bail signé le 3 mars, loyer 650 €.\n".as_bytes()),
            Sniffed::Kind(FileKind::Txt)
        );
        assert_eq!(
            sniff(b"From: bailleur@example.fr\r\nTo: a@b.fr\r\nSubject: Travaux\r\n\r\nBonjour"),
            Sniffed::Kind(FileKind::Eml)
        );
        assert_eq!(sniff(b"<!DOCTYPE html><script>"), Sniffed::Unknown);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), Sniffed::Unknown);
        assert_eq!(sniff(b"abc\0def"), Sniffed::Unknown);
    }

    #[test]
    fn photos_accept_images_only() {
        let rules = UploadRules::default();
        assert_eq!(
            check(PNG, DocumentType::PhotoSituation, &rules),
            Ok(FileKind::Png)
        );
        let refused = check(b"%PDF-1.4", DocumentType::PhotoSituation, &rules);
        assert_eq!(
            refused.map_err(|r| r.to_string()),
            Err("Ce type de fichier n'est pas accepté. Formats acceptés : JPEG, PNG, GIF.".into())
        );
        assert_eq!(
            check(b"%PDF-1.4", DocumentType::SituationFoyerBail, &rules),
            Ok(FileKind::Pdf)
        );
    }

    #[test]
    fn the_limit_is_inclusive_and_named() {
        let rules = UploadRules { max_bytes: 10 };
        let mut ten = b"%PDF-1.4".to_vec();
        ten.resize(10, b' ');
        assert!(check(&ten, DocumentType::Autre, &rules).is_ok());
        ten.push(b' ');
        let refusal = check(&ten, DocumentType::Autre, &rules).expect_err("too large");
        assert_eq!(refusal.code(), "file.too_large");
        assert!(
            UploadRefusal::TooLarge {
                max_bytes: DEFAULT_MAX_BYTES
            }
            .to_string()
            .contains("10 Mo")
        );
        assert_eq!(human_size(2_621_440), "2,5 Mo");
    }

    #[test]
    fn titles_are_safe_and_take_the_real_extension() {
        assert_eq!(
            display_title(
                "C:\\Users\\moi\\scan du bail.pdf",
                FileKind::Png,
                "document"
            ),
            "scan du bail.png"
        );
        assert_eq!(
            display_title("../../etc/passwd", FileKind::Txt, "document"),
            "passwd.txt"
        );
        assert_eq!(
            display_title("<script>\"x\".jpg", FileKind::Jpeg, "photo"),
            "script x.jpg"
        );
        assert_eq!(
            display_title("...", FileKind::Pdf, "document"),
            "document.pdf"
        );
        assert!(
            display_title(&"é".repeat(400), FileKind::Pdf, "d")
                .chars()
                .count()
                <= 120
        );
    }

    #[test]
    fn keys_and_disposition() {
        assert_eq!(
            variant_key("signalements/s/f.png", Variant::Thumbnail),
            "signalements/s/f_thumb.jpg"
        );
        assert_eq!(
            attachment_disposition("Écrit \"urgent\".pdf"),
            "attachment; filename=\"Ecrit _urgent_.pdf\"; filename*=UTF-8''%C3%89crit%20%22urgent%22.pdf"
        );
    }
}
