//! CSV tables of numbers: read with or without a header row, written with
//! full precision.

use std::path::Path;

use crate::Result;
use ndarray::Array2;

use crate::invalid;

/// Whether `path` names a CSV (or TSV) file.
pub fn is_csv(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("csv" | "tsv" | "txt")
    )
}

/// Reads a table of numbers. The first row is taken as a header when any
/// of its fields is not a number; fields are separated by commas (tabs for
/// `.tsv`).
///
/// # Errors
/// Ragged rows, empty fields or text that is not a number, naming the line
/// and column; an empty table.
pub fn read_csv(bytes: &[u8], path: &Path) -> Result<(Array2<f64>, bool)> {
    let name = path.display();
    let delimiter = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"))
    {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut values = Vec::new();
    let mut width = None;
    let mut has_header = false;
    let mut n_rows = 0usize;
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(format!("{name}: {e}")))?;
        let line = record.position().map_or(index + 1, |p| p.line() as usize);
        let parsed: Vec<Result<f64, _>> = record.iter().map(str::parse::<f64>).collect();
        if index == 0 && parsed.iter().any(Result::is_err) {
            has_header = true;
            width = Some(record.len());
            continue;
        }
        match width {
            Some(w) if w != record.len() => {
                return Err(invalid(format!(
                    "{name}: line {line} has {} fields, but the table has {w} columns",
                    record.len()
                )))
            }
            _ => width = Some(record.len()),
        }
        for (column, (value, text)) in parsed.into_iter().zip(record.iter()).enumerate() {
            let value = value.map_err(|_| {
                invalid(format!(
                    "{name}: line {line}, column {}: '{text}' is not a number",
                    column + 1
                ))
            })?;
            values.push(value);
        }
        n_rows += 1;
    }
    let width = width.unwrap_or(0);
    if n_rows == 0 || width == 0 {
        return Err(invalid(format!("{name}: the table holds no numbers")));
    }
    let table = Array2::from_shape_vec((n_rows, width), values)
        .map_err(|e| invalid(format!("{name}: {e}")))?;
    Ok((table, has_header))
}

/// Formats a table as CSV: numbers in their shortest exact form.
pub fn to_csv(table: &Array2<f64>) -> Vec<u8> {
    let mut out = String::new();
    for row in table.rows() {
        let fields: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out.into_bytes()
}
