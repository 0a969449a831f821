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

/// Which column of a table holds row names rather than data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IndexCol {
    /// Refuse a table whose header starts with an empty field, as pandas
    /// writes its index (`DataFrame.to_csv`), rather than cluster the
    /// index as data.
    #[default]
    Detect,
    /// Every column is data.
    None,
    /// This column (0 is the first) holds row names: it is dropped.
    Column(usize),
}

/// How to read a table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field separator; `None` detects it (see [`read_csv_with`]).
    pub delimiter: Option<u8>,
    /// The column of row names, if any.
    pub index_col: IndexCol,
}

/// A table as read.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    /// The numbers, one row per line.
    pub values: Array2<f64>,
    /// The header's fields, when the first line was a header.
    pub header: Option<Vec<String>>,
    /// The separator used.
    pub delimiter: u8,
}

/// Reads a table of numbers with the default [`CsvOptions`]; returns the
/// values and whether the first line was a header.
///
/// # Errors
/// As [`read_csv_with`].
pub fn read_csv(bytes: &[u8], path: &Path) -> Result<(Array2<f64>, bool)> {
    let table = read_csv_with(bytes, path, CsvOptions::default())?;
    Ok((table.values, table.header.is_some()))
}

/// The separators a table is tried with, in order; the space (NumPy's
/// `savetxt`) only when none of the others splits the lines.
const CANDIDATES: [u8; 5] = [b',', b';', b'\t', b'|', b' '];

fn shown(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        b' ' => "space".to_string(),
        d => format!("'{}'", d as char),
    }
}

/// Reads a table of numbers. The first row is taken as a header when none
/// of its fields is a number. The separator is `options.delimiter`,
/// else a tab for `.tsv`, else the one of `,` `;` tab `|` (then space) that
/// splits the first 50 lines into the same number of fields, more than
/// one: a table that two of them split evenly (`1,5;2,5` with decimal
/// commas) is refused, never guessed.
///
/// ```
/// # fn main() -> Result<(), agglo_io::Error> {
/// use agglo_io::csv_io::{read_csv_with, CsvOptions, IndexCol};
/// use std::path::Path;
///
/// let table = read_csv_with(b"a;b\n1.5;2\n3;4\n", Path::new("t.csv"), CsvOptions::default())?;
/// assert_eq!(table.values.shape(), [2, 2]);
/// assert_eq!(table.delimiter, b';');
///
/// // pandas' index column is refused unless it is named.
/// let pandas = b",x,y\n0,1.5,2\n1,3,4\n";
/// let err = read_csv_with(pandas, Path::new("p.csv"), CsvOptions::default()).unwrap_err();
/// assert!(err.to_string().contains("--index-col 0"));
/// let options = CsvOptions { index_col: IndexCol::Column(0), ..CsvOptions::default() };
/// assert_eq!(read_csv_with(pandas, Path::new("p.csv"), options)?.values[[1, 0]], 3.0);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// An ambiguous or undetectable separator, ragged rows, empty fields or
/// text that is not a number (naming the line and column), an index column
/// that is not there or not declared, an empty table.
pub fn read_csv_with(bytes: &[u8], path: &Path, options: CsvOptions) -> Result<CsvTable> {
    let name = path.display();
    let delimiter = match options.delimiter {
        Some(d) => d,
        None if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv")) =>
        {
            b'\t'
        }
        None => detect_delimiter(bytes, &name.to_string())?,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut values = Vec::new();
    let mut width = None;
    let mut header = None;
    let mut n_rows = 0usize;
    let drop = match options.index_col {
        IndexCol::Column(c) => Some(c),
        _ => None,
    };
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(format!("{name}: {e}")))?;
        let line = record.position().map_or(index + 1, |p| p.line() as usize);
        if let (Some(c), Some(w)) = (drop, width.or(Some(record.len()))) {
            if c >= w {
                return Err(invalid(format!(
                    "{name}: --index-col {c}: the table has {w} columns (the first is 0)"
                )));
            }
        }
        let fields: Vec<&str> = record
            .iter()
            .enumerate()
            .filter(|&(c, _)| Some(c) != drop)
            .map(|(_, f)| f)
            .collect();
        let parsed: Vec<Result<f64, _>> = fields.iter().map(|f| f.parse::<f64>()).collect();
        // A header is a first line of names only: one that mixes numbers
        // (decimal commas too) and text is data with an error, reported as
        // such.
        let numeric =
            |f: &&str| f.parse::<f64>().is_ok() || f.replace(',', ".").parse::<f64>().is_ok();
        if index == 0 && !fields.iter().any(numeric) {
            if options.index_col == IndexCol::Detect && record.get(0) == Some("") {
                return Err(invalid(format!(
                    "{name}: the header starts with an empty field, as pandas writes its index: \
                     pass --index-col 0 to drop that column, or --index-col none to cluster it as data"
                )));
            }
            header = Some(fields.iter().map(ToString::to_string).collect());
            width = Some(fields.len());
            continue;
        }
        match width {
            Some(w) if w != fields.len() => {
                return Err(invalid(format!(
                    "{name}: line {line} has {} fields, but the table has {w} columns{}",
                    record.len(),
                    if options.delimiter.is_none() {
                        format!(
                            " (read with the separator {}; see --delimiter)",
                            shown(delimiter)
                        )
                    } else {
                        String::new()
                    }
                )))
            }
            _ => width = Some(fields.len()),
        }
        for (column, (value, text)) in parsed.into_iter().zip(&fields).enumerate() {
            let value = value.map_err(|_| {
                let hint = if text.contains(',') && text.replace(',', ".").parse::<f64>().is_ok() {
                    " (a decimal comma? numbers are read with '.')"
                } else {
                    ""
                };
                invalid(format!(
                    "{name}: line {line}, column {}: '{text}' is not a number{hint}",
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
    let values = Array2::from_shape_vec((n_rows, width), values)
        .map_err(|e| invalid(format!("{name}: {e}")))?;
    Ok(CsvTable {
        values,
        header,
        delimiter,
    })
}

/// The separator that splits the first lines of `bytes` evenly.
fn detect_delimiter(bytes: &[u8], name: &str) -> Result<u8> {
    let even: Vec<(u8, usize)> = CANDIDATES
        .iter()
        .filter_map(|&d| even_split(bytes, d).map(|n| (d, n)))
        .collect();
    let strong: Vec<(u8, usize)> = even.iter().copied().filter(|&(d, _)| d != b' ').collect();
    let found = if strong.is_empty() { even } else { strong };
    match found.as_slice() {
        [] => Ok(b','),
        [(d, _)] => Ok(*d),
        several => {
            let options: Vec<String> = several
                .iter()
                .map(|&(d, n)| format!("{} ({n} fields)", shown(d)))
                .collect();
            Err(invalid(format!(
                "{name}: cannot tell the separator: every line splits evenly on {} (decimal commas?); \
                 pass --delimiter {}",
                options.join(" and on "),
                several
                    .iter()
                    .map(|&(d, _)| match d {
                        b'\t' => "tab".to_string(),
                        d => format!("'{}'", d as char),
                    })
                    .collect::<Vec<_>>()
                    .join(" or --delimiter ")
            )))
        }
    }
}

/// The number of fields every one of the first lines has when split on
/// `delimiter`, when that is the same for all and more than one.
fn even_split(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut count = None;
    for record in reader.records().take(50) {
        let n = record.ok()?.len();
        match count {
            None => count = Some(n),
            Some(c) if c != n => return None,
            _ => {}
        }
    }
    count.filter(|&n| n > 1)
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
