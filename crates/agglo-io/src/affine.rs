//! The voxel-to-world affine of a NIfTI header, as nibabel's
//! `get_best_affine` chooses it, and nilearn's test of two images lining
//! up.

use crate::nifti_io::NiftiHeader;

/// A 4 × 4 affine, rows.
pub type Affine = [[f64; 4]; 4];

/// The header's affine: the sform when its code is set, else the qform
/// when its code is set, else the scanner-less base affine from the voxel
/// sizes and the shape (nibabel's `get_best_affine`).
pub fn affine(header: &NiftiHeader) -> Affine {
    let f = |v: f32| f64::from(v);
    if header.sform_code != 0 {
        let rows = [header.srow_x, header.srow_y, header.srow_z];
        let mut a = identity();
        for (r, row) in rows.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                a[r][c] = f(v);
            }
        }
        return a;
    }
    let zooms = [
        f(header.pixdim[1]),
        f(header.pixdim[2]),
        f(header.pixdim[3]),
    ];
    if header.qform_code != 0 {
        let (b, c, d) = (
            f(header.quatern_b),
            f(header.quatern_c),
            f(header.quatern_d),
        );
        let a = (1.0 - (b * b + c * c + d * d)).max(0.0).sqrt();
        let rotation = [
            [
                a * a + b * b - c * c - d * d,
                2.0 * (b * c - a * d),
                2.0 * (b * d + a * c),
            ],
            [
                2.0 * (b * c + a * d),
                a * a + c * c - b * b - d * d,
                2.0 * (c * d - a * b),
            ],
            [
                2.0 * (b * d - a * c),
                2.0 * (c * d + a * b),
                a * a + d * d - b * b - c * c,
            ],
        ];
        let qfac = if header.pixdim[0] < 0.0 { -1.0 } else { 1.0 };
        let scale = [zooms[0], zooms[1], zooms[2] * qfac];
        let offset = [
            f(header.quatern_x),
            f(header.quatern_y),
            f(header.quatern_z),
        ];
        let mut m = identity();
        for r in 0..3 {
            for c in 0..3 {
                m[r][c] = rotation[r][c] * scale[c];
            }
            m[r][3] = offset[r];
        }
        return m;
    }
    // nibabel's `shape_zoom_affine(shape, zooms, x_flip=True)`.
    let dims = [header.dim[1], header.dim[2], header.dim[3]].map(|d| f64::from(d.max(1)));
    let mut m = identity();
    for axis in 0..3 {
        let zoom = if axis == 0 { -zooms[axis] } else { zooms[axis] };
        m[axis][axis] = zoom;
        m[axis][3] = -(dims[axis] - 1.0) / 2.0 * zoom;
    }
    m
}

fn identity() -> Affine {
    let mut a = [[0.0; 4]; 4];
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    a
}

/// Whether two affines agree as nilearn requires of images that must line
/// up (`np.allclose`: `|a − b| ≤ 1e-8 + 1e-5 |b|` for every entry).
pub fn same(a: &Affine, b: &Affine) -> bool {
    a.iter()
        .flatten()
        .zip(b.iter().flatten())
        .all(|(x, y)| (x - y).abs() <= 1e-8 + 1e-5 * y.abs())
}

/// The first three rows of `a`, as a message shows them.
pub fn describe(a: &Affine) -> String {
    let rows: Vec<String> = a[..3]
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.iter().map(ToString::to_string).collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    rows.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sform_then_qform_then_base() {
        let mut h = NiftiHeader {
            sform_code: 1,
            srow_x: [2.0, 0.0, 0.0, -90.0],
            srow_y: [0.0, 2.0, 0.0, -126.0],
            srow_z: [0.0, 0.0, 2.0, -72.0],
            ..NiftiHeader::default()
        };
        let a = affine(&h);
        assert_eq!(a[0], [2.0, 0.0, 0.0, -90.0]);
        assert_eq!(a[3], [0.0, 0.0, 0.0, 1.0]);
        h.sform_code = 0;
        h.qform_code = 1;
        h.pixdim = [1.0, 3.0, 3.0, 4.0, 1.0, 1.0, 1.0, 1.0];
        h.quatern_b = 0.0;
        h.quatern_c = 0.0;
        h.quatern_d = 0.0;
        h.quatern_x = 5.0;
        let q = affine(&h);
        assert_eq!(q[0], [3.0, 0.0, 0.0, 5.0]);
        assert_eq!(q[2][2], 4.0);
        h.qform_code = 0;
        h.dim = [3, 10, 10, 10, 1, 1, 1, 1];
        let b = affine(&h);
        assert_eq!(b[0], [-3.0, 0.0, 0.0, 13.5]);
        let mut shifted = a;
        shifted[0][3] += 10.0;
        assert!(same(&a, &a) && !same(&a, &shifted));
        assert!(describe(&a).starts_with("[2, 0, 0, -90]"));
    }
}
