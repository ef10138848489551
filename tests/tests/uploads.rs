//! Documents and photos through the use cases, on the memory adapters and
//! the real image processor: the type is decided by content, programs are
//! refused, GPS positions never reach the store, the size limit is named,
//! downloads go through the policy, and a storage outage loses nothing.

mod common;

use std::sync::Arc;

use common::World;
use histologe_application::{App, AppError, UploadInput};
use histologe_core::DomainError;
use histologe_core::enums::{DocumentType, SuiviCategory};
use histologe_core::model::{Case, FileMeta};
use histologe_core::upload::DEFAULT_MAX_BYTES;
use histologe_ports::{
    FileRepository, FileStore, HistoryRepository, ScanError, ScanVerdict, VirusScanner,
};
use image::{DynamicImage, ImageFormat, RgbImage};
use img_parts::jpeg::Jpeg;
use img_parts::{Bytes, ImageEXIF};

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

/// EXIF (TIFF, little-endian) with a GPS IFD: N 43° 18', E 5° 22'.
fn gps_exif() -> Vec<u8> {
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    t.extend([1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    t.extend([4, 0]);
    t.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    t.extend([2, 0, 5, 0, 3, 0, 0, 0, 80, 0, 0, 0]);
    t.extend([3, 0, 2, 0, 2, 0, 0, 0, b'E', 0, 0, 0]);
    t.extend([4, 0, 5, 0, 3, 0, 0, 0, 104, 0, 0, 0]);
    t.extend([0, 0, 0, 0]);
    for (deg, min) in [(43u32, 18u32), (5, 22)] {
        for (num, den) in [(deg, 1u32), (min, 1), (0, 1)] {
            t.extend(num.to_le_bytes());
            t.extend(den.to_le_bytes());
        }
    }
    t
}

/// A phone photo: a JPEG whose EXIF holds where it was taken.
fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(encoded(1600, 1200, ImageFormat::Jpeg)))
        .expect("our JPEG parses");
    jpeg.set_exif(Some(Bytes::from(gps_exif())));
    jpeg.encoder().bytes().to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn input(bytes: Vec<u8>, name: &str, document_type: DocumentType) -> UploadInput {
    UploadInput {
        bytes,
        file_name: name.to_string(),
        document_type,
        desordre_slug: None,
        title: None,
    }
}

fn invalid_message(result: Result<FileMeta, AppError>) -> String {
    match result {
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            assert_eq!(field, "fichier");
            message
        }
        other => panic!("expected a refused file, got {other:?}"),
    }
}

/// A case accepted by the SCHS, and the SCHS agent uploading to it.
async fn setup() -> (World, Case) {
    let w = World::new().await;
    let case = w.accepted_case().await;
    (w, case)
}

#[tokio::test]
async fn a_png_renamed_pdf_is_stored_and_served_as_a_png() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let png = encoded(40, 30, ImageFormat::Png);
    let meta = w
        .app
        .upload_file(
            &agent,
            case.signalement.id,
            input(png, "bail signé.pdf", DocumentType::SituationFoyerBail),
        )
        .await
        .expect("a PNG is accepted for a lease");
    assert_eq!(meta.mime_type, "image/png");
    assert_eq!(meta.extension, "png");
    assert_eq!(meta.title, "bail signé.png");
    assert!(
        !meta.storage_key.contains("bail"),
        "the key is generated, never the person's file name: {}",
        meta.storage_key
    );
    assert_eq!(
        w.file_store.content_type(&meta.storage_key).as_deref(),
        Some("image/png")
    );

    let download = w
        .app
        .download_file(&agent, meta.id)
        .await
        .expect("the uploader downloads");
    assert_eq!(download.content_type, "image/png");
    let headers = download.headers();
    assert!(headers.contains(&("X-Content-Type-Options", "nosniff".to_string())));
    assert!(
        headers.contains(&(
            "Content-Disposition",
            "attachment; filename=\"bail signe.png\"; filename*=UTF-8''bail%20sign%C3%A9.png"
                .to_string()
        ))
    );
}

#[tokio::test]
async fn an_executable_renamed_jpg_is_refused_and_nothing_is_stored() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff".to_vec();
    exe.resize(4096, 0);
    let message = invalid_message(
        w.app
            .upload_file(
                &agent,
                case.signalement.id,
                input(exe, "photo.jpg", DocumentType::PhotoSituation),
            )
            .await,
    );
    assert_eq!(
        message,
        "Les programmes et les scripts ne sont pas acceptés. Formats acceptés : JPEG, PNG, GIF."
    );
    assert!(w.file_store.keys().is_empty(), "nothing reached the store");
    assert!(
        FileRepository::of_signalement(w.store.as_ref(), case.signalement.id)
            .await
            .expect("files")
            .is_empty()
    );
}

#[tokio::test]
async fn a_pdf_is_not_a_photo() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let message = invalid_message(
        w.app
            .upload_file(
                &agent,
                case.signalement.id,
                input(
                    b"%PDF-1.7\n".to_vec(),
                    "photo.jpg",
                    DocumentType::PhotoSituation,
                ),
            )
            .await,
    );
    assert_eq!(
        message,
        "Ce type de fichier n'est pas accepté. Formats acceptés : JPEG, PNG, GIF."
    );
}

#[tokio::test]
async fn a_photo_loses_its_gps_exif_and_gets_variants_from_the_queue() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let original = jpeg_with_gps();
    assert!(contains(&original, b"Exif\0\0"), "the fixture has EXIF");
    let meta = w
        .app
        .upload_file(
            &agent,
            case.signalement.id,
            UploadInput {
                desordre_slug: Some("desordres_logement_humidite".to_string()),
                ..input(original, "IMG_2041.JPG", DocumentType::PhotoSituation)
            },
        )
        .await
        .expect("photo accepted");
    let stored = w.file_store.get(&meta.storage_key).await.expect("stored");
    assert!(!contains(&stored, b"Exif"), "no EXIF in the stored photo");
    let parsed = Jpeg::from_bytes(Bytes::from(stored.clone())).expect("still a JPEG");
    assert!(parsed.exif().is_none(), "no GPS position left");
    assert_eq!(meta.size, stored.len() as u64);
    assert_eq!(meta.title, "IMG_2041.jpg");

    // The variants come from the queued job; the original is kept.
    w.runner.drain().await.expect("jobs run");
    let keys = w.file_store.keys();
    let stem = meta.storage_key.trim_end_matches(".jpg");
    for key in [
        meta.storage_key.clone(),
        format!("{stem}_resize.jpg"),
        format!("{stem}_thumb.jpg"),
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let resized = w
        .file_store
        .get(&format!("{stem}_resize.jpg"))
        .await
        .expect("resized");
    let resized = image::load_from_memory(&resized).expect("decodes");
    assert_eq!((resized.width(), resized.height()), (1000, 750));
    assert_eq!(
        w.file_store.get(&meta.storage_key).await,
        Ok(stored),
        "the original is kept as uploaded (stripped)"
    );
}

#[tokio::test]
async fn ten_megabytes_plus_one_byte_is_refused_with_the_limit() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(DEFAULT_MAX_BYTES as usize + 1, b' ');
    let message = invalid_message(
        w.app
            .upload_file(
                &agent,
                case.signalement.id,
                input(pdf.clone(), "rapport.pdf", DocumentType::ProcedureSaisine),
            )
            .await,
    );
    assert!(
        message
            .starts_with("Le fichier dépasse la taille maximale autorisée de 10 Mo par fichier."),
        "{message}"
    );
    pdf.pop();
    w.app
        .upload_file(
            &agent,
            case.signalement.id,
            input(pdf, "rapport.pdf", DocumentType::ProcedureSaisine),
        )
        .await
        .expect("exactly 10 Mo is accepted");
}

#[tokio::test]
async fn the_limit_is_configurable() {
    let mut w = World::new().await;
    w.app = w
        .app
        .clone()
        .with_upload_rules(histologe_core::upload::UploadRules {
            max_bytes: 2 * 1024 * 1024,
        });
    let case = w.accepted_case().await;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(2 * 1024 * 1024 + 1, b' ');
    let message = invalid_message(
        w.app
            .upload_file(
                &w.actor(&w.people.agent_schs),
                case.signalement.id,
                input(pdf, "r.pdf", DocumentType::Autre),
            )
            .await,
    );
    assert!(message.contains("de 2 Mo par fichier"), "{message}");
}

#[tokio::test]
async fn an_agent_of_another_partner_or_territory_learns_nothing() {
    let (w, case) = setup().await;
    let meta = w
        .app
        .upload_file(
            &w.actor(&w.people.agent_schs),
            case.signalement.id,
            input(
                b"%PDF-1.4 mise en demeure".to_vec(),
                "md.pdf",
                DocumentType::ProcedureMiseEnDemeure,
            ),
        )
        .await
        .expect("uploaded");
    for user in [&w.people.agent_caf, &w.people.agent_other_territory] {
        let refused = w
            .app
            .download_file(&w.actor(user), meta.id)
            .await
            .expect_err("refused");
        assert!(
            refused.hides_existence(),
            "{} gets {refused:?}, which reveals the file exists",
            user.email
        );
    }
    // Same answer as for a file that does not exist.
    let missing = w
        .app
        .download_file(
            &w.actor(&w.people.agent_caf),
            histologe_core::ids::FileId(uuid::Uuid::new_v4()),
        )
        .await
        .expect_err("missing");
    assert!(missing.hides_existence());
    // The RT of the territory sees it.
    w.app
        .download_file(&w.actor(&w.people.rt), meta.id)
        .await
        .expect("the RT downloads");
}

#[tokio::test]
async fn an_usager_sees_only_the_files_visible_to_him() {
    let (w, case) = setup().await;
    let id = case.signalement.id;
    let agent = w.actor(&w.people.agent_schs);
    let usager = w.usager(id);
    let procedure = w
        .app
        .upload_file(
            &agent,
            id,
            input(
                b"%PDF-1.4 interne".to_vec(),
                "md.pdf",
                DocumentType::ProcedureMiseEnDemeure,
            ),
        )
        .await
        .expect("procedure file");
    let situation = w
        .app
        .upload_file(
            &agent,
            id,
            input(
                b"%PDF-1.4 dpe".to_vec(),
                "dpe.pdf",
                DocumentType::SituationFoyerDpe,
            ),
        )
        .await
        .expect("situation file");
    let own = w
        .app
        .upload_file(
            &usager,
            id,
            input(
                "Quittance de mars".as_bytes().to_vec(),
                "q.txt",
                DocumentType::Autre,
            ),
        )
        .await
        .expect("the usager uploads");
    assert!(!procedure.is_visible_for_usager);

    let refused = w
        .app
        .download_file(&usager, procedure.id)
        .await
        .expect_err("a procedure file is not the usager's");
    assert!(refused.hides_existence(), "{refused:?}");
    for visible in [&situation, &own] {
        w.app
            .download_file(&usager, visible.id)
            .await
            .expect("visible to the usager");
    }
    // Another case's usager sees none of them.
    let other = w.submit(common::form()).await;
    let stranger = w.usager(other.signalement.id);
    assert!(
        w.app
            .download_file(&stranger, situation.id)
            .await
            .expect_err("not his case")
            .hides_existence()
    );

    // NEW_DOCUMENT suivis: public for the situation file and the usager's
    // own, internal for the procedure file.
    let case = w.case(id).await;
    let docs: Vec<_> = case
        .suivis
        .iter()
        .filter(|s| s.category == SuiviCategory::NewDocument)
        .map(|s| (s.description.as_str(), s.is_visible_for_usager))
        .collect();
    assert_eq!(
        docs,
        vec![
            ("Ajout de document : md.pdf", false),
            ("Ajout de document : dpe.pdf", true),
            ("Ajout de document : q.txt", true),
        ]
    );
}

#[tokio::test]
async fn storage_down_or_full_fails_with_the_retry_message_and_changes_nothing() {
    let (w, case) = setup().await;
    let id = case.signalement.id;
    let agent = w.actor(&w.people.agent_schs);
    let before = w.case(id).await;
    for (down, full) in [(true, false), (false, true)] {
        w.file_store.set_unavailable(down);
        w.file_store.set_full(full);
        let error = w
            .app
            .upload_file(
                &agent,
                id,
                input(
                    b"%PDF-1.4 devis".to_vec(),
                    "devis.pdf",
                    DocumentType::BailleurDevisPourTravaux,
                ),
            )
            .await
            .expect_err("the store refuses");
        assert_eq!(error, AppError::UploadFailed);
        assert_eq!(
            error.to_string(),
            "Le dépôt du fichier a échoué, réessayez dans quelques minutes : votre signalement est bien enregistré."
        );
        assert_eq!(w.case(id).await, before, "the case is unchanged");
        assert!(
            FileRepository::of_signalement(w.store.as_ref(), id)
                .await
                .expect("files")
                .is_empty()
        );
    }
    w.file_store.set_unavailable(false);
    w.file_store.set_full(false);
    w.app
        .upload_file(
            &agent,
            id,
            input(
                b"%PDF-1.4 devis".to_vec(),
                "devis.pdf",
                DocumentType::BailleurDevisPourTravaux,
            ),
        )
        .await
        .expect("the retry succeeds");
    assert_eq!(
        FileRepository::of_signalement(w.store.as_ref(), id)
            .await
            .expect("files")
            .len(),
        1
    );
}

#[tokio::test]
async fn a_download_while_storage_is_down_says_so() {
    let (w, case) = setup().await;
    let agent = w.actor(&w.people.agent_schs);
    let meta = w
        .app
        .upload_file(
            &agent,
            case.signalement.id,
            input(b"%PDF-1.4".to_vec(), "a.pdf", DocumentType::Autre),
        )
        .await
        .expect("uploaded");
    w.file_store.set_unavailable(true);
    assert_eq!(
        w.app
            .download_file(&agent, meta.id)
            .await
            .expect_err("down"),
        AppError::FileUnavailable
    );
}

/// A scanner answering from a fixed list.
struct FakeScanner(Result<ScanVerdict, ScanError>);

#[async_trait::async_trait]
impl VirusScanner for FakeScanner {
    async fn scan(&self, _bytes: &[u8]) -> Result<ScanVerdict, ScanError> {
        self.0.clone()
    }
}

fn with_scanner(w: &World, scanner: FakeScanner) -> App {
    let mut ports = w.ports.clone();
    ports.scanner = Some(Arc::new(scanner));
    App::new(ports, w.app.settings().clone())
}

#[tokio::test]
async fn an_infected_file_is_refused_and_recorded() {
    let (w, case) = setup().await;
    let id = case.signalement.id;
    let app = with_scanner(
        &w,
        FakeScanner(Ok(ScanVerdict::Infected("Eicar-Signature".into()))),
    );
    let message = invalid_message(
        app.upload_file(
            &w.actor(&w.people.agent_schs),
            id,
            input(
                b"%PDF-1.4 eicar".to_vec(),
                "facture.pdf",
                DocumentType::Facture,
            ),
        )
        .await,
    );
    assert!(message.contains("refusé par l'antivirus"), "{message}");
    assert!(w.file_store.keys().is_empty());
    let history = HistoryRepository::of_signalement(w.store.as_ref(), id)
        .await
        .expect("history");
    let recorded = history
        .iter()
        .find(|h| h.entity_name == "FichierInfecte")
        .expect("the refusal is recorded");
    assert_eq!(recorded.changes["signature"][1], "Eicar-Signature");
    assert_eq!(recorded.user_id, Some(w.people.agent_schs.id));

    let down = with_scanner(
        &w,
        FakeScanner(Err(ScanError::Unavailable("refused".into()))),
    );
    assert_eq!(
        down.upload_file(
            &w.actor(&w.people.agent_schs),
            id,
            input(b"%PDF-1.4".to_vec(), "f.pdf", DocumentType::Facture),
        )
        .await,
        Err(AppError::UploadFailed),
        "never kept unscanned"
    );
    let clean = with_scanner(&w, FakeScanner(Ok(ScanVerdict::Clean)));
    clean
        .upload_file(
            &w.actor(&w.people.agent_schs),
            id,
            input(b"%PDF-1.4".to_vec(), "f.pdf", DocumentType::Facture),
        )
        .await
        .expect("a clean file is kept");
}
