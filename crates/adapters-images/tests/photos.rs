//! Metadata removal and variants on real images built here: a JPEG from
//! the `image` encoder with an EXIF segment holding a GPS position
//! inserted by `img-parts`, as a phone would write it.

use histologe_adapters_images::Images;
use histologe_ports::ImageProcessor;
use image::{DynamicImage, ImageFormat, RgbImage};
use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::{Bytes, ImageEXIF};

/// A little-endian TIFF block: IFD0 pointing to a GPS IFD holding
/// latitude N 43° 18' and longitude E 5° 22' (Marseille).
fn gps_exif() -> Vec<u8> {
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    // IFD0 at 8: one entry, GPSInfo (0x8825) LONG 1 → offset 26.
    t.extend([1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    // GPS IFD at 26: LatitudeRef "N", Latitude, LongitudeRef "E", Longitude.
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

fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(photo(width, height, ImageFormat::Jpeg)))
        .expect("our JPEG parses");
    jpeg.set_exif(Some(Bytes::from(gps_exif())));
    jpeg.segments_mut().insert(
        1,
        JpegSegment::new_with_contents(markers::COM, Bytes::from_static(b"Pris au 12 rue X")),
    );
    jpeg.encoder().bytes().to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_jpeg_loses_its_gps_exif_and_keeps_its_pixels() {
    let original = jpeg_with_gps(64, 48);
    assert!(contains(&original, b"Exif\0\0"), "the fixture carries EXIF");
    let stripped = Images
        .strip_metadata(&original, "image/jpeg")
        .expect("strip");
    let parsed = Jpeg::from_bytes(Bytes::from(stripped.clone())).expect("still a JPEG");
    assert!(parsed.exif().is_none(), "no EXIF left");
    assert!(
        parsed
            .segments()
            .iter()
            .all(|s| s.marker() != markers::APP1 && s.marker() != markers::COM),
        "no APP1 nor comment segment left"
    );
    assert!(!contains(&stripped, b"Exif"), "no EXIF bytes anywhere");
    assert!(!contains(&stripped, b"Pris au"), "no comment left");
    let before = image::load_from_memory(&original)
        .expect("decode")
        .to_rgb8();
    let after = image::load_from_memory(&stripped)
        .expect("decode")
        .to_rgb8();
    assert!(before == after, "pixels are kept exactly (no re-encoding)");
}

#[test]
fn a_png_loses_its_text_and_exif_chunks() {
    let mut png =
        img_parts::png::Png::from_bytes(Bytes::from(photo(10, 10, ImageFormat::Png))).expect("png");
    png.set_exif(Some(Bytes::from(gps_exif())));
    png.chunks_mut().insert(
        1,
        img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"GPS\x0043.3,5.4")),
    );
    let original = png.encoder().bytes().to_vec();
    let stripped = Images
        .strip_metadata(&original, "image/png")
        .expect("strip");
    assert!(!contains(&stripped, b"eXIf") && !contains(&stripped, b"tEXt"));
    assert_eq!(
        image::load_from_memory(&stripped)
            .expect("decode")
            .to_rgb8(),
        image::load_from_memory(&original)
            .expect("decode")
            .to_rgb8()
    );
}

#[test]
fn a_gif_loses_its_comments() {
    let gif = photo(8, 8, ImageFormat::Gif);
    // Insert a comment extension right after the header and palette.
    let flags = gif[10];
    let at = 13
        + if flags & 0x80 != 0 {
            3 * (1 << ((flags & 7) + 1))
        } else {
            0
        };
    let mut with_comment = gif[..at].to_vec();
    with_comment.extend(b"\x21\xFE\x0bsecret note\x00");
    with_comment.extend(&gif[at..]);
    let stripped = Images
        .strip_metadata(&with_comment, "image/gif")
        .expect("strip");
    assert!(!contains(&stripped, b"secret"));
    assert_eq!(stripped, gif, "only the comment block is removed");
}

#[test]
fn variants_are_small_jpegs_without_metadata() {
    let original = jpeg_with_gps(2400, 1600);
    let v = Images.variants(&original).expect("variants");
    let resized = image::load_from_memory(&v.resized).expect("resized decodes");
    let thumb = image::load_from_memory(&v.thumbnail).expect("thumbnail decodes");
    assert_eq!((resized.width(), resized.height()), (1000, 667));
    assert_eq!((thumb.width(), thumb.height()), (200, 133));
    assert!(!contains(&v.resized, b"Exif") && !contains(&v.thumbnail, b"Exif"));

    let small = photo(120, 80, ImageFormat::Png);
    let v = Images.variants(&small).expect("variants of a small photo");
    let resized = image::load_from_memory(&v.resized).expect("decodes");
    assert_eq!(
        (resized.width(), resized.height()),
        (120, 80),
        "never enlarged"
    );
}

#[test]
fn garbage_is_unreadable() {
    assert!(
        Images
            .strip_metadata(b"\xFF\xD8\xFFnot really", "image/jpeg")
            .is_err()
    );
    assert!(Images.variants(b"%PDF-1.4").is_err());
}

/// A phone's EXIF: IFD0 with Orientation 6 (turn 90° clockwise to view)
/// and a GPS IFD.
fn phone_exif() -> Vec<u8> {
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    // IFD0 at 8: Orientation SHORT 6, GPSInfo LONG → 38.
    t.extend([2, 0]);
    t.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    t.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    t.extend([0, 0, 0, 0]);
    // GPS IFD at 38: LatitudeRef "N".
    t.extend([1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0]);
    t
}

#[test]
fn a_phone_photo_keeps_only_its_orientation_and_its_copies_stand_upright() {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(photo(64, 32, ImageFormat::Jpeg))).expect("jpeg");
    jpeg.set_exif(Some(Bytes::from(phone_exif())));
    let original = jpeg.encoder().bytes().to_vec();

    let stripped = Images
        .strip_metadata(&original, "image/jpeg")
        .expect("strip");
    let parsed = Jpeg::from_bytes(Bytes::from(stripped.clone())).expect("still a JPEG");
    let exif = parsed.exif().expect("the orientation is kept");
    assert!(
        exif.len() < 40,
        "nothing but the orientation: {} bytes",
        exif.len()
    );
    assert!(
        !contains(&exif, &[0x25, 0x88]) && !contains(&exif, &[0x88, 0x25]),
        "no GPS pointer left"
    );
    assert_eq!(
        image::metadata::Orientation::from_exif_chunk(&exif),
        Some(image::metadata::Orientation::Rotate90)
    );

    // 64×32 stored sideways: the thumbnail is 32 wide and 64 high.
    let variants = Images.variants(&original).expect("variants");
    let thumbnail = image::load_from_memory(&variants.thumbnail).expect("decode");
    assert_eq!((thumbnail.width(), thumbnail.height()), (32, 64));
}
