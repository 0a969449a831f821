//! Hostile NIfTI images, refused before anything is allocated from their headers.

use super::*;

/// The fixture volume (9 × 8 × 7 float64) with its header bytes patched.
fn nifti_volume(patch: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = gunzip(&fs::read(fixtures().join("realdata/volume3d.nii.gz")).unwrap());
    patch(&mut bytes);
    bytes
}

fn set_i16(bytes: &mut [u8], at: usize, values: &[i16]) {
    for (k, v) in values.iter().enumerate() {
        bytes[at + 2 * k..at + 2 * k + 2].copy_from_slice(&v.to_le_bytes());
    }
}

#[test]
fn broken_nifti_files_are_refused_before_allocating() {
    let volume = nifti_volume(|_| {});
    let huge = nifti_volume(|b| set_i16(b, 40, &[4, 32767, 32767, 32767, 32767, 1, 1, 1]));
    let scene = Scene::new(&[
        ("volume.nii", volume.clone()),
        ("truncated.nii.gz", gzip(&volume)[..2000].to_vec()),
        ("short_data.nii", volume[..volume.len() - 100].to_vec()),
        ("short_data.nii.gz", gzip(&volume[..volume.len() - 100])),
        ("header_cut.nii", volume[..200].to_vec()),
        ("huge_dims.nii", huge.clone()),
        ("huge_dims.nii.gz", gzip(&huge)),
        ("complex.nii", nifti_volume(|b| set_i16(b, 70, &[32, 64]))),
        ("rgb.nii", nifti_volume(|b| set_i16(b, 70, &[128, 24]))),
        ("bitpix.nii", nifti_volume(|b| set_i16(b, 72, &[8]))),
        ("rank9.nii", nifti_volume(|b| set_i16(b, 40, &[9]))),
        ("zero_dim.nii", nifti_volume(|b| set_i16(b, 42, &[0]))),
        (
            "pair.nii",
            nifti_volume(|b| b[344..348].copy_from_slice(b"ni1\0")),
        ),
        (
            "extension.nii",
            nifti_volume(|b| {
                b[348] = 1;
                b[108..112].copy_from_slice(&368f32.to_le_bytes());
                b[352..356].copy_from_slice(&(1i32 << 30).to_le_bytes());
            }),
        ),
        (
            "five_d.nii",
            nifti_volume(|b| set_i16(b, 40, &[5, 3, 2, 2, 7, 2, 1, 1])),
        ),
        ("noise.nii", (0..=255u8).cycle().take(1000).collect()),
        ("noise.nii.gz", [&[0x1f, 0x8b][..], &[7; 500]].concat()),
    ]);
    for (file, expected) in [
        (
            "truncated.nii.gz",
            vec!["truncated.nii.gz", "cannot read volume 1 of 1", "truncated"],
        ),
        (
            "short_data.nii",
            vec!["short_data.nii", "[9, 8, 7]", "4032 bytes", "truncated"],
        ),
        (
            "short_data.nii.gz",
            vec!["short_data.nii.gz", "4032 bytes", "truncated"],
        ),
        (
            "header_cut.nii",
            vec!["header_cut.nii", "shorter than a header"],
        ),
        (
            "huge_dims.nii",
            vec!["huge_dims.nii", "[32767, 32767, 32767, 32767]"],
        ),
        (
            "huge_dims.nii.gz",
            vec![
                "huge_dims.nii.gz",
                "[32767, 32767, 32767, 32767]",
                "more than",
            ],
        ),
        (
            "complex.nii",
            vec!["complex.nii", "Complex64 is not supported"],
        ),
        ("rgb.nii", vec!["rgb.nii", "Rgb24 is not supported"]),
        ("bitpix.nii", vec!["bitpix.nii", "bitpix is 8"]),
        ("rank9.nii", vec!["rank9.nii", "dim[0]"]),
        (
            "zero_dim.nii",
            vec!["zero_dim.nii", "bad dimensions [3, 0, 8, 7"],
        ),
        ("pair.nii", vec!["pair.nii", ".hdr/.img"]),
        (
            "extension.nii",
            vec!["extension.nii", "from byte 368", "truncated"],
        ),
        ("five_d.nii", vec!["five_d.nii", "5 dimensions"]),
        ("noise.nii", vec!["noise.nii", "not a readable NIfTI image"]),
        ("noise.nii.gz", vec!["noise.nii.gz", "cannot decompress"]),
    ] {
        scene.fit_refused(file, &expected);
    }
    let series = fixtures().join("realdata/series.nii.gz");
    let series = series.to_str().unwrap();
    for (mask, expected) in [
        ("huge_dims.nii.gz", vec!["huge_dims.nii.gz", "more than"]),
        (
            "volume.nii",
            vec!["volume.nii", "a mask must hold two values"],
        ),
        (
            "missing_mask.nii.gz",
            vec!["missing_mask.nii.gz", "no such file"],
        ),
    ] {
        scene.refused(
            &[
                "fit",
                series,
                "--mask",
                mask,
                "--n-clusters",
                "2",
                "--out",
                "out",
            ],
            &expected,
        );
    }
}
