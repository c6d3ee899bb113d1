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

/// Writes a job's result zip into `file`: `TARGET/PATH` for each output `fetch` gives (one at a
/// time, so memory holds one file's translation, not the job's), then `report.json`. `None` from
/// `fetch` means the output is gone (the job was deleted meanwhile).
pub fn write_result<W: Write + std::io::Seek>(
    file: W,
    outputs: &[(i64, String, String)],
    mut fetch: impl FnMut(i64) -> Result<Option<Vec<u8>>, String>,
    report: &[u8],
) -> Result<Option<W>, String> {
    let mut writer = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let failed = |e: zip::result::ZipError| format!("cannot write the zip: {e}");
    for (unit, target, path) in outputs {
        let Some(bytes) = fetch(*unit)? else {
            return Ok(None);
        };
        writer.start_file(format!("{target}/{path}"), options).map_err(failed)?;
        writer
            .write_all(&bytes)
            .map_err(|e| format!("cannot write the zip: {e}"))?;
    }
    writer.start_file("report.json", options).map_err(failed)?;
    writer
        .write_all(report)
        .map_err(|e| format!("cannot write the zip: {e}"))?;
    writer.finish().map(Some).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_whose_output_went_missing_is_no_result() {
        let outputs = vec![
            (1, "fra_Latn".to_string(), "a.txt".to_string()),
            (2, "fra_Latn".to_string(), "b.txt".to_string()),
        ];
        let whole = write_result(
            Cursor::new(Vec::new()),
            &outputs,
            |unit| Ok(Some(vec![b'x'; unit as usize])),
            b"{}",
        )
        .unwrap()
        .unwrap()
        .into_inner();
        let archive = zip::ZipArchive::new(Cursor::new(whole)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names, ["fra_Latn/a.txt", "fra_Latn/b.txt", "report.json"]);
        // Deleted by the retention sweep between the listing and the second fetch: no zip with
        // a hole in it.
        let gone = write_result(
            Cursor::new(Vec::new()),
            &outputs,
            |unit| Ok((unit == 1).then(Vec::new)),
            b"{}",
        )
        .unwrap();
        assert!(gone.is_none());
    }
}
