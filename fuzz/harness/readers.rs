//! What the reader fuzz targets do with one input, shared with the
//! regression tests of `crates/agglo-io/tests/fuzz_regressions.rs` (which
//! include this file). Errors are expected; panics, hangs and huge
//! allocations are bugs.

// Each reader target calls one of these.
#![allow(dead_code)]

use std::path::Path;

/// What a reader may allocate: the machine's memory, as the CLI allows.
const LIMIT: agglo_io::MemoryLimit = agglo_io::MemoryLimit::bytes(4 << 30);

/// `.npy` bytes: the header parser and the numeric reader, in memory and
/// streamed from a file, which must agree.
pub fn npy(bytes: &[u8]) {
    let _ = agglo_io::npy::parse_header(bytes);
    let in_memory = agglo_io::npy::read_numeric(bytes, "fuzz.npy");
    if let Ok((array, header)) = &in_memory {
        assert_eq!(array.shape(), &header.shape[..]);
    }
    let path = std::env::temp_dir().join(format!("agglo-fuzz-{}.npy", std::process::id()));
    std::fs::write(&path, bytes).expect("a temporary file");
    let streamed = agglo_io::npy::read_numeric_file(&path, "fuzz.npy");
    // Read transposed for a fit, and in blocks of samples for the pooling:
    // the same values as the plain reader, or an error when it errs.
    let columns = agglo_io::npy_blocks::read_columns(&path, "fuzz.npy");
    let mut blocks = Vec::new();
    if let Ok((_, header)) = &streamed {
        if let Ok(Some(mut reader)) =
            agglo_io::npy_blocks::RowBlocks::open(&path, "fuzz.npy", &header.shape)
        {
            while let Ok(Some(block)) = reader.next_block(3) {
                blocks.extend(block.to_f64().iter().map(|v| v.to_bits()));
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    match (&streamed, &columns) {
        (Ok((a, _)), Ok((c, _))) if a.shape().len() >= 2 => {
            let rows = a.to_f64();
            let n = rows.shape()[0];
            let flat: Vec<u64> = rows
                .as_standard_layout()
                .iter()
                .map(|v| v.to_bits())
                .collect();
            let c = c.to_f64();
            let m: usize = rows.shape()[1..].iter().product();
            assert_eq!(c.shape(), [n, m]);
            let c_flat: Vec<u64> = c.as_standard_layout().iter().map(|v| v.to_bits()).collect();
            assert_eq!(flat, c_flat, "plain: {a:?}, transposed: {c:?}");
            if !blocks.is_empty() {
                assert_eq!(flat, blocks);
            }
        }
        (Ok((a, _)), Ok((c, _))) => {
            // Fewer than 2 dimensions: returned as read (NaN compared by bits).
            assert_eq!(a.shape(), c.shape());
            assert_eq!(bits(a), bits(c));
        }
        (Err(_), Err(_)) => {}
        _ => panic!("streamed: {streamed:?}, transposed: {columns:?}"),
    }
    match (&in_memory, &streamed) {
        (Ok((a, header_a)), Ok((b, header_b))) => {
            assert_eq!(header_a, header_b);
            assert_eq!(a.shape(), b.shape());
            assert_eq!(bits(a), bits(b), "in memory: {a:?}, streamed: {b:?}");
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("in memory: {in_memory:?}, streamed: {streamed:?}"),
    }
}

/// The values of `x` as bits, in logical order (NaN equal to itself).
fn bits(x: &agglo_io::npy::NumericArray) -> Vec<u64> {
    x.to_f64().iter().map(|v| v.to_bits()).collect()
}

/// `.npz` bytes: the zip members, and the scipy.sparse connectivity reader.
///
/// An input whose first byte is odd (a zip file starts with an even `P`)
/// describes the members instead (see [`archive`]), zipped with valid
/// checksums so that the fuzzer reaches the member parsers rather than
/// stopping at a CRC mismatch.
pub fn npz(bytes: &[u8]) {
    let Some((&pick, rest)) = bytes.split_first() else {
        return;
    };
    let zipped;
    let bytes = if pick % 2 == 1 {
        zipped = archive(rest, pick & 2 != 0);
        &zipped[..]
    } else {
        bytes
    };
    if let Ok(members) = agglo_io::npz::read_members(bytes, "fuzz.npz", LIMIT) {
        for (key, member) in &members {
            let _ = agglo_io::npy::read_numeric(member, key);
        }
    }
    // The sizes of the seeds: hand-made 3 × 3, k-NN 60 × 60, grid 64 × 64.
    for n_points in [3, 60, 64] {
        if let Ok(graph) =
            agglo_io::npz::read_sparse_connectivity(bytes, "fuzz.npz", n_points, LIMIT)
        {
            assert_eq!(graph.n_nodes(), n_points);
            for (row, col) in graph.entries() {
                assert!(row < n_points && col < n_points);
            }
        }
    }
}

/// A zip archive of the members described by `spec`: repeatedly a name
/// (one of the names `save_npz` writes, picked by a byte), a length (two
/// bytes, little-endian) and that many bytes of content; stored, or
/// deflated when `deflate`.
fn archive(mut spec: &[u8], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    const NAMES: [&str; 9] = [
        "format.npy",
        "shape.npy",
        "data.npy",
        "row.npy",
        "col.npy",
        "indptr.npy",
        "indices.npy",
        "x.npy",
        "format",
    ];
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut used = Vec::new();
    while let [name, a, b, tail @ ..] = spec {
        let len = usize::from(u16::from_le_bytes([*a, *b])).min(tail.len());
        let name = NAMES[usize::from(*name) % NAMES.len()];
        let (content, next) = tail.split_at(len);
        spec = next;
        if used.contains(&name) || writer.start_file(name, options).is_err() {
            continue;
        }
        used.push(name);
        let _ = writer.write_all(content);
    }
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}

/// NIfTI-1 bytes (`.nii`, or `.nii.gz` when gzipped): the whole-image
/// reader, the volume-at-a-time reader (which must agree with it, volume
/// by volume), the affine, and the writer given the header read.
pub fn nifti(bytes: &[u8]) {
    use agglo_io::nifti_stream::{stored_offsets, VolumeReader};
    let whole = agglo_io::nifti_io::read_nifti_bytes(bytes, "fuzz.nii", LIMIT);
    if let Ok(image) = &whole {
        let _ = image.samples_first("fuzz.nii");
        let _ = image.spatial_shape();
        let affine = agglo_io::affine::affine(&image.header);
        let _ = agglo_io::affine::describe(&affine);
        let _ = agglo_io::affine::same(&affine, &affine);
    }
    let Ok(mut volumes) = VolumeReader::from_bytes(bytes, "fuzz.nii", LIMIT) else {
        assert!(
            whole.is_err(),
            "the header reader and the whole reader agree"
        );
        return;
    };
    let n = volumes.volume_len();
    let offsets = stored_offsets(volumes.spatial_shape(), None);
    assert_eq!(offsets.len(), n);
    assert!(offsets.iter().all(|&o| o < n.max(1) || n == 0));
    let mut values = Vec::new();
    let mut volume = vec![0.0; n];
    let mut complete = true;
    for _ in 0..volumes.n_volumes() {
        if volumes.next_volume(&mut volume).is_err() {
            complete = false;
            break;
        }
        values.extend(volume.iter().map(|v| v.to_bits()));
    }
    match &whole {
        Ok(image) if complete => {
            let stored: Vec<u64> = image
                .data
                .as_slice_memory_order()
                .expect("read contiguous")
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(stored, values, "the same values either way");
            // What was read can be written back with its header.
            let path = std::env::temp_dir().join(format!("agglo-fuzz-{}.nii", std::process::id()));
            let shape = image.data.shape();
            if shape.len() <= 4 {
                if let Ok(mut writer) =
                    agglo_io::nifti_write::VolumeWriter::create(&path, shape, &image.header, false)
                {
                    for v in values
                        .chunks(n.max(1))
                        .take(shape.get(3).copied().unwrap_or(1))
                    {
                        let v: Vec<f64> = v.iter().map(|&b| f64::from_bits(b)).collect();
                        if v.len() == writer.volume_len() {
                            writer.write_volume(&v).expect("a temporary file");
                        }
                    }
                }
            }
            let _ = std::fs::remove_file(&path);
        }
        Ok(_) => panic!("the whole reader read what the volume reader could not"),
        Err(_) => assert!(
            !complete,
            "the whole reader refused what the volume reader read"
        ),
    }
}

/// CSV or TSV text; the first byte picks the delimiter the name implies.
pub fn csv(bytes: &[u8]) {
    let Some((&pick, text)) = bytes.split_first() else {
        return;
    };
    let path = Path::new(if pick % 2 == 0 {
        "fuzz.csv"
    } else {
        "fuzz.tsv"
    });
    if let Ok((table, _)) = agglo_io::csv_io::read_csv(text, path) {
        assert!(table.nrows() > 0 && table.ncols() > 0);
    }
}

/// Image bytes: the first byte picks the format the name says (PNG, JPEG
/// or TIFF, read as such whatever the bytes are), the second grey or not;
/// the channels must come out as whole planes of one size.
pub fn image(bytes: &[u8]) {
    let [pick, grey, rest @ ..] = bytes else {
        return;
    };
    let ext = ["png", "jpg", "tif"][usize::from(*pick) % 3];
    let path = std::env::temp_dir().join(format!("agglo-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, rest).expect("a temporary file");
    // Below libFuzzer's 2 GB: the reader must keep to the limit it is given.
    let limit = agglo_io::MemoryLimit::bytes(256 << 20);
    let read = agglo_io::images::read_images(&path, grey % 2 == 1, limit);
    let _ = std::fs::remove_file(&path);
    if let Ok(images) = read {
        assert_eq!(images.samples.len(), images.data.shape()[0]);
        assert!(images.data.iter().all(|v| !v.is_nan() || ext == "tif"));
    }
}
