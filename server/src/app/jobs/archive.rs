//! Job uploads and results as zip archives: paths kept inside their folder, unpacking bounded.

use std::io::{Cursor, Read, Write};

use translator::documents::Limits;

/// A relative path with `/` separators and no way out of its folder, or why not.
pub fn clean_path(name: &str) -> Result<String, String> {
    let name = name.replace('\\', "/");
    let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if name.starts_with('/') || parts.contains(&"..") || parts.is_empty() || name.contains('\0') {
        return Err(format!("{name:?}: file names must be relative paths inside the upload"));
    }
    Ok(parts.join("/"))
}

/// The files of a zip upload, refusing archives that escape their folder or unpack past `limits`.
pub fn unzip(bytes: &[u8], limits: &Limits) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a valid zip archive: {e}"))?;
    if archive.len() > limits.max_entries {
        return Err(format!(
            "the zip holds {} entries; at most {}",
            archive.len(),
            limits.max_entries
        ));
    }
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("broken zip entry: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let path = clean_path(entry.name())?;
        let budget = limits.max_unpacked_bytes.saturating_sub(total);
        let ratio_cap = entry
            .compressed_size()
            .max(1)
            .saturating_mul(limits.max_ratio)
            .max(1 << 16);
        let cap = budget.min(ratio_cap);
        let mut content = Vec::new();
        // Read one byte past the cap to tell "exactly at the cap" from "over it", whatever the
        // entry's header claims.
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{path}: cannot unpack: {e}"))?;
        if content.len() as u64 > cap {
            return Err(format!(
                "{path}: unpacks past the limits (at most {} bytes in all, {}× compression)",
                limits.max_unpacked_bytes, limits.max_ratio
            ));
        }
        total += content.len() as u64;
        files.push((path, content));
    }
    Ok(files)
}

pub fn zip_outputs(outputs: &[(String, String, Vec<u8>)], report: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (target, path, bytes) in outputs {
        writer.start_file(format!("{target}/{path}"), options)?;
        writer.write_all(bytes)?;
    }
    writer.start_file("report.json", options)?;
    writer.write_all(report)?;
    Ok(writer.finish()?.into_inner())
}
