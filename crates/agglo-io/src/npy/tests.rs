//! The `.npy` readers on hand-made files.

use super::read::read_with_ndarray_npy;
use super::*;

fn npy(header: &str, data: &[u8]) -> Vec<u8> {
    let mut h = header.to_string();
    while !(10 + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(h.len() as u16).to_le_bytes());
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn reads_big_endian_fortran_int() {
    let mut data = Vec::new();
    for v in [1i32, 2, 3, 4, 5, 6] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    let bytes = npy(
        "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }",
        &data,
    );
    let (a, h) = read_numeric(&bytes, "x.npy").unwrap();
    assert_eq!(h.shape, vec![2, 3]);
    let a = a.to_f64();
    // Fortran order: column-major storage of [[1, 3, 5], [2, 4, 6]]
    assert_eq!(a[[0, 1]], 3.0);
    assert_eq!(a[[1, 0]], 2.0);
}

#[test]
fn refuses_truncated_and_odd_dtypes() {
    let bytes = npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
        &[0; 16],
    );
    let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
    assert!(
        err.contains("shape [4]") && err.contains("truncated"),
        "{err}"
    );
    let bytes = npy(
        "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
        &[0; 16],
    );
    let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
    assert!(err.contains("complex dtype '<c16'"), "{err}");
    let bytes = npy(
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
        &[0; 8],
    );
    let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
    assert!(err.contains("structured dtype"), "{err}");
    let bytes = npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
        &[],
    );
    let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
    assert!(err.contains("overflows"), "{err}");
    let err = read_numeric(b"hello world", "x.npy")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a NumPy .npy file"), "{err}");
    // Found by the npy fuzzer: junk brackets after the dict's entries
    // (and booleans that are neither 0 nor 1, which go to ndarray-npy)
    // took ndarray-npy's header parser exponentially long.
    let junk = format!(
        "{{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2),{}f5',{} }}",
        "[".repeat(60),
        "[".repeat(20)
    );
    let bytes = npy(&junk, &[0, 1, 0x41, 2]);
    let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
    assert!(err.contains("cannot read the array"), "{err}");
}

/// Every decoded descriptor against ndarray-npy's reading, in memory and
/// streamed from a file (one file spans several read blocks).
#[test]
fn fast_decoding_matches_ndarray_npy() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, usize, Vec<u8>)> = vec![
        (
            "<f8",
            8,
            (0..48u64)
                .flat_map(|v| (v as f64 * -0.5).to_le_bytes())
                .collect(),
        ),
        (
            ">f8",
            8,
            (0..48u64)
                .flat_map(|v| (v as f64 * 1.5).to_be_bytes())
                .collect(),
        ),
        (
            "<f4",
            4,
            (0..48u32)
                .flat_map(|v| (v as f32 * 0.25).to_le_bytes())
                .collect(),
        ),
        (
            ">f4",
            4,
            (0..48u32)
                .flat_map(|v| (v as f32 * 0.75).to_be_bytes())
                .collect(),
        ),
        ("|i1", 1, (0..48u8).map(|v| v.wrapping_mul(37)).collect()),
        ("|u1", 1, (0..48u8).map(|v| v.wrapping_mul(91)).collect()),
        ("|b1", 1, (0..48u8).map(|v| v % 2).collect()),
        (
            "<i2",
            2,
            (0..48i16)
                .flat_map(|v| v.wrapping_mul(-999).to_le_bytes())
                .collect(),
        ),
        (
            ">u2",
            2,
            (0..48u16).flat_map(|v| (v * 1234).to_be_bytes()).collect(),
        ),
        (
            "<i4",
            4,
            (0..48i32)
                .flat_map(|v| (v * -99_999).to_le_bytes())
                .collect(),
        ),
        (
            ">u4",
            4,
            (0..48u32)
                .flat_map(|v| (v * 77_777).to_be_bytes())
                .collect(),
        ),
        (
            ">i8",
            8,
            (0..48i64)
                .flat_map(|v| (v.wrapping_mul(-(1 << 60)) / 7).to_be_bytes())
                .collect(),
        ),
        (
            "<u8",
            8,
            (0..48u64)
                .flat_map(|v| v.wrapping_mul(1 << 59).to_le_bytes())
                .collect(),
        ),
    ];
    for (descr, width, data) in cases {
        for fortran in [false, true] {
            let header = format!(
                "{{'descr': '{descr}', 'fortran_order': {}, 'shape': (6, 8), }}",
                if fortran { "True" } else { "False" }
            );
            let bytes = npy(&header, &data);
            let kind = Decoder::of(&parse_header(&bytes).unwrap().0).map(|d| d.width);
            assert_eq!(kind, Some(width), "{descr}");
            let (fast, _) = read_numeric(&bytes, "x.npy").unwrap();
            let reference = read_with_ndarray_npy(
                &bytes,
                parse_header(&bytes).unwrap().0.kind().unwrap(),
                "x.npy",
            )
            .unwrap();
            assert_eq!(fast, reference, "{descr} fortran={fortran}");
            let path = dir.path().join("x.npy");
            std::fs::write(&path, &bytes).unwrap();
            let (streamed, _) = read_numeric_file(&path, "x.npy").unwrap();
            assert_eq!(streamed, reference, "{descr} fortran={fortran}");
        }
    }
    // Several read blocks.
    let n = READ_BLOCK / 8 * 2 + 3;
    let data: Vec<u8> = (0..n)
        .flat_map(|v| (v as f64).sqrt().to_le_bytes())
        .collect();
    let bytes = npy(
        &format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({n},), }}"),
        &data,
    );
    let path = dir.path().join("long.npy");
    std::fs::write(&path, &bytes).unwrap();
    let (streamed, header) = read_numeric_file(&path, "long.npy").unwrap();
    assert_eq!(header.shape, vec![n]);
    assert_eq!(streamed, read_numeric(&bytes, "long.npy").unwrap().0);
}

#[test]
fn streamed_reading_refuses_what_reading_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let bad: Vec<Vec<u8>> = vec![
        npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
            &[0; 16],
        ),
        npy(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
            &[0; 16],
        ),
        npy(
            "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
            &[0, 2, 1],
        ),
        npy(
            "{'descr': '=f8', 'fortran_order': False, 'shape': (1,), }",
            &[0; 8],
        ),
        b"hello world".to_vec(),
        b"\x93NUMPY\x01\x00\xff\x00{'descr'".to_vec(),
    ];
    for bytes in bad {
        let path = dir.path().join("bad.npy");
        std::fs::write(&path, &bytes).unwrap();
        let expected = read_numeric(&bytes, "bad.npy").unwrap_err().to_string();
        let got = read_numeric_file(&path, "bad.npy").unwrap_err().to_string();
        assert_eq!(got, expected);
    }
    let missing = read_numeric_file(&dir.path().join("none.npy"), "none.npy")
        .unwrap_err()
        .to_string();
    assert!(missing.starts_with("cannot read"), "{missing}");
}
