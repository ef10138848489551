//! GIF has no EXIF, but comment and application extensions may carry
//! text or XMP. This walks the blocks and keeps the image data, graphic
//! controls and the NETSCAPE loop extension (animation), nothing else.

use histologe_ports::ImageError;

fn unreadable(what: &str) -> ImageError {
    ImageError::Unreadable(format!("GIF: {what}"))
}

/// The end of the data sub-blocks starting at `at` (after the terminator).
fn sub_blocks_end(bytes: &[u8], mut at: usize) -> Result<usize, ImageError> {
    loop {
        let len = usize::from(*bytes.get(at).ok_or_else(|| unreadable("truncated"))?);
        at += 1;
        if len == 0 {
            return Ok(at);
        }
        at += len;
    }
}

fn color_table_len(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 * (1usize << ((flags & 0x07) + 1))
    } else {
        0
    }
}

pub(crate) fn strip(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    if !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) || bytes.len() < 13 {
        return Err(unreadable("bad header"));
    }
    let mut at = 13 + color_table_len(bytes[10]);
    if at > bytes.len() {
        return Err(unreadable("truncated"));
    }
    let mut out = bytes[..at].to_vec();
    loop {
        let introducer = *bytes.get(at).ok_or_else(|| unreadable("no trailer"))?;
        match introducer {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                let flags = *bytes.get(at + 9).ok_or_else(|| unreadable("truncated"))?;
                // descriptor (10) + local colour table + LZW minimum code size
                let data = at + 10 + color_table_len(flags) + 1;
                let end = sub_blocks_end(bytes, data)?;
                out.extend_from_slice(bytes.get(at..end).ok_or_else(|| unreadable("truncated"))?);
                at = end;
            }
            0x21 => {
                let label = *bytes.get(at + 1).ok_or_else(|| unreadable("truncated"))?;
                let end = sub_blocks_end(bytes, at + 2)?;
                let block = bytes.get(at..end).ok_or_else(|| unreadable("truncated"))?;
                let keep = match label {
                    0xF9 | 0x01 => true, // graphic control, plain text
                    0xFF => block.get(3..14) == Some(b"NETSCAPE2.0".as_slice()),
                    _ => false, // 0xFE comment, other applications (XMP)
                };
                if keep {
                    out.extend_from_slice(block);
                }
                at = end;
            }
            _ => return Err(unreadable("unknown block")),
        }
    }
}
