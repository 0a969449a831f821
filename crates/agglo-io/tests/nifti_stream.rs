//! The volume-at-a-time NIfTI reader and writer against the `nifti` crate:
//! the same values for every dtype, byte order, scaling and compression,
//! the header's geometry kept, and damaged files refused by name.

use std::io::Write;

use agglo_io::nifti_io::read_nifti;
use agglo_io::nifti_stream::{stored_offsets, test_header, VolumeReader};
use agglo_io::nifti_write::VolumeWriter;
use agglo_io::MemoryLimit;
use flate2::write::GzEncoder;
use nifti::{InMemNiftiObject, IntoNdArray, NiftiObject};

/// A deterministic stream of pseudo-random bytes.
fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect()
}

/// An image of `dim` with random voxels of `datatype`, optionally
/// big-endian, scaled and gzipped.
fn image(dim: &[u16], datatype: i16, bits: i16, big: bool, scale: bool, gz: bool) -> Vec<u8> {
    let mut file = test_header(dim, datatype, bits);
    let n: usize = dim[1..].iter().map(|&d| usize::from(d)).product();
    let mut voxels = bytes(n * bits as usize / 8, u64::from(datatype as u16) + n as u64);
    if matches!(datatype, 16 | 64) {
        // Finite floats: clear each value's top exponent bit.
        let width = bits as usize / 8;
        for v in voxels.chunks_exact_mut(width) {
            v[width - 1] &= 0x3f;
        }
    }
    if scale {
        file[112..116].copy_from_slice(&0.5f32.to_le_bytes());
        file[116..120].copy_from_slice(&(-3.25f32).to_le_bytes());
    }
    if big {
        swap_header(&mut file);
        let width = bits as usize / 8;
        for v in voxels.chunks_exact_mut(width) {
            v.reverse();
        }
    }
    file.extend(voxels);
    if gz {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&file).unwrap();
        file = encoder.finish().unwrap();
    }
    file
}

/// Turns a little-endian header into the same header big-endian.
fn swap_header(file: &mut [u8]) {
    // (offset, width) of every numeric field of the NIfTI-1 header.
    let mut fields = vec![(0, 4), (32, 4), (36, 2)];
    fields.extend((40..56).step_by(2).map(|o| (o, 2)));
    fields.extend((56..68).step_by(4).map(|o| (o, 4)));
    fields.extend((68..76).step_by(2).map(|o| (o, 2)));
    fields.extend((76..120).step_by(4).map(|o| (o, 4)));
    fields.push((120, 2));
    fields.extend((124..148).step_by(4).map(|o| (o, 4)));
    fields.extend([(252, 2), (254, 2)]);
    fields.extend((256..328).step_by(4).map(|o| (o, 4)));
    for (offset, width) in fields {
        file[offset..offset + width].reverse();
    }
}

fn reference(file: &[u8]) -> ndarray::ArrayD<f64> {
    let raw = if file.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(file), &mut out).unwrap();
        out
    } else {
        file.to_vec()
    };
    InMemNiftiObject::from_reader(&raw[..])
        .unwrap()
        .into_volume()
        .into_ndarray::<f64>()
        .unwrap()
}

#[test]
fn every_dtype_byte_order_scaling_and_compression_reads_as_the_nifti_crate_does() {
    let types = [
        (2, 8),
        (256, 8),
        (4, 16),
        (512, 16),
        (8, 32),
        (768, 32),
        (1024, 64),
        (1280, 64),
        (16, 32),
        (64, 64),
    ];
    let mut checked = 0;
    for (datatype, bits) in types {
        for big in [false, true] {
            for scale in [false, true] {
                for gz in [false, true] {
                    let dim = [4, 3, 4, 5, 2];
                    let file = image(&dim, datatype, bits, big, scale, gz);
                    let expected = reference(&file);
                    let mut volumes =
                        VolumeReader::from_bytes(&file, "x.nii", MemoryLimit::none()).unwrap();
                    assert_eq!(volumes.spatial_shape(), [3, 4, 5]);
                    assert_eq!(volumes.n_volumes(), 2);
                    let mut volume = vec![0.0; 60];
                    for t in 0..2 {
                        volumes.next_volume(&mut volume).unwrap();
                        for (i, &v) in volume.iter().enumerate() {
                            let (x, y, z) = (i % 3, (i / 3) % 4, i / 12);
                            let want = expected[[x, y, z, t]];
                            assert_eq!(
                                v.to_bits(),
                                want.to_bits(),
                                "datatype {datatype}, big {big}, scale {scale}, gz {gz}, voxel {i}, volume {t}"
                            );
                        }
                    }
                    assert!(volumes.next_volume(&mut volume).is_err());
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 80);
}

#[test]
fn the_data_starts_at_vox_offset() {
    // 16 bytes of padding between the header and the data, as some tools
    // write: the data is where vox_offset says.
    let mut file = test_header(&[3, 2, 1, 1], 16, 32);
    file[108..112].copy_from_slice(&368f32.to_le_bytes());
    file.extend([0xAA; 16]);
    file.extend(1.5f32.to_le_bytes());
    file.extend(2.5f32.to_le_bytes());
    let mut volumes = VolumeReader::from_bytes(&file, "pad.nii", MemoryLimit::none()).unwrap();
    let mut volume = vec![0.0; 2];
    volumes.next_volume(&mut volume).unwrap();
    assert_eq!(volume, [1.5, 2.5]);
}

#[test]
fn damaged_files_are_refused_naming_them() {
    let file = image(&[4, 3, 4, 5, 2], 16, 32, false, false, false);
    let short = &file[..file.len() - 1];
    let err = VolumeReader::from_bytes(short, "cut.nii", MemoryLimit::none()).unwrap_err();
    assert!(
        err.to_string().starts_with("cut.nii: the header announces"),
        "{err}"
    );

    let gz = image(&[4, 3, 4, 5, 2], 16, 32, false, false, true);
    let mut volumes =
        VolumeReader::from_bytes(&gz[..gz.len() / 2], "cut.nii.gz", MemoryLimit::none()).unwrap();
    let mut volume = vec![0.0; 60];
    let mut err = None;
    for _ in 0..2 {
        if let Err(e) = volumes.next_volume(&mut volume) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("a half file fails");
    assert!(
        err.to_string()
            .starts_with("cut.nii.gz: cannot read volume"),
        "{err}"
    );

    // A flipped bit in the compressed data fails the CRC at the end.
    let mut flipped = gz.clone();
    let at = flipped.len() - 12;
    flipped[at] ^= 0x10;
    let result =
        VolumeReader::from_bytes(&flipped, "bad.nii.gz", MemoryLimit::none()).and_then(|mut v| {
            v.next_volume(&mut volume)?;
            v.next_volume(&mut volume)
        });
    assert!(result.is_err(), "a corrupt stream is noticed");

    let five_d = image(&[5, 2, 2, 2, 2, 2], 16, 32, false, false, false);
    let err = VolumeReader::from_bytes(&five_d, "5d.nii", MemoryLimit::none()).unwrap_err();
    assert!(
        err.to_string().contains("a 3-D volume or a 4-D series"),
        "{err}"
    );
}

#[test]
fn written_series_read_back_with_the_reference_geometry_and_timing() {
    let dir = tempfile::tempdir().unwrap();
    let mut reference = nifti::NiftiHeader {
        pixdim: [1.0, 2.0, 2.0, 2.5, 0.8, 1.0, 1.0, 1.0],
        xyzt_units: 10,
        srow_x: [-2.0, 0.0, 0.0, 90.0],
        srow_y: [0.0, 2.0, 0.0, -126.0],
        srow_z: [0.0, 0.0, 2.5, -72.0],
        ..nifti::NiftiHeader::default()
    };
    reference.sform_code = 4;
    for name in ["r.nii", "r.nii.gz"] {
        let path = dir.path().join(name);
        let mut writer =
            VolumeWriter::create(&path, &[3, 4, 5, 2], &reference, name.ends_with(".gz")).unwrap();
        let volumes: Vec<Vec<f64>> = (0..2)
            .map(|t| (0..60).map(|i| f64::from(i) * 0.1 - f64::from(t)).collect())
            .collect();
        for v in &volumes {
            writer.write_volume(v).unwrap();
        }
        writer.finish().unwrap();
        let image = read_nifti(&path, MemoryLimit::none()).unwrap();
        assert_eq!(image.data.shape(), [3, 4, 5, 2]);
        for (t, v) in volumes.iter().enumerate() {
            for (i, &value) in v.iter().enumerate() {
                let (x, y, z) = (i % 3, (i / 3) % 4, i / 12);
                assert_eq!(image.data[[x, y, z, t]], value);
            }
        }
        let h = &image.header;
        assert_eq!(h.datatype, 64);
        assert_eq!((h.pixdim[4], h.xyzt_units), (0.8, 10));
        assert_eq!(
            (h.srow_x, h.srow_y, h.srow_z),
            (reference.srow_x, reference.srow_y, reference.srow_z)
        );
        // The nifti crate reads it too.
        let object = nifti::ReaderOptions::new().read_file(&path).unwrap();
        let data = object.into_volume().into_ndarray::<f64>().unwrap();
        assert_eq!(data, image.data);
    }
}

#[test]
fn stored_offsets_map_row_major_voxels_to_the_stored_order() {
    let grid = [3, 4, 5];
    let all = stored_offsets(grid, None);
    let mut seen = [false; 60];
    for (f, &at) in all.iter().enumerate() {
        let (x, y, z) = (f / 20, (f / 5) % 4, f % 5);
        assert_eq!(at, x + 3 * (y + 4 * z));
        seen[at] = true;
    }
    assert!(seen.iter().all(|&s| s));
}
