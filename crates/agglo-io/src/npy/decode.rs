//! Decoding the elements of an `.npy` file by hand, in parallel for large
//! arrays: exactly the descriptors ndarray-npy accepts, faster.

use ndarray::{ArrayD, IxDyn, ShapeBuilder};

use super::{NpyHeader, NumericArray};
use crate::{invalid, Result};

/// The descriptors decoded here, without ndarray-npy: exactly those it
/// accepts for each type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Descr {
    F8(Endian),
    F4(Endian),
    I1,
    U1,
    B1,
    I2(Endian),
    U2(Endian),
    I4(Endian),
    U4(Endian),
    I8(Endian),
    U8(Endian),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// How one element's bytes are decoded.
#[derive(Clone, Copy)]
pub(crate) struct Decoder {
    descr: Descr,
    pub(crate) width: usize,
}

impl Decoder {
    pub(crate) fn of(header: &NpyHeader) -> Option<Self> {
        use Endian::{Big, Little};
        let (descr, width) = match header.descr.as_str() {
            "<f8" => (Descr::F8(Little), 8),
            ">f8" => (Descr::F8(Big), 8),
            "<f4" => (Descr::F4(Little), 4),
            ">f4" => (Descr::F4(Big), 4),
            "|i1" => (Descr::I1, 1),
            "|u1" => (Descr::U1, 1),
            "|b1" => (Descr::B1, 1),
            "<i2" => (Descr::I2(Little), 2),
            ">i2" => (Descr::I2(Big), 2),
            "<u2" => (Descr::U2(Little), 2),
            ">u2" => (Descr::U2(Big), 2),
            "<i4" => (Descr::I4(Little), 4),
            ">i4" => (Descr::I4(Big), 4),
            "<u4" => (Descr::U4(Little), 4),
            ">u4" => (Descr::U4(Big), 4),
            "<i8" => (Descr::I8(Little), 8),
            ">i8" => (Descr::I8(Big), 8),
            "<u8" => (Descr::U8(Little), 8),
            ">u8" => (Descr::U8(Big), 8),
            _ => return None,
        };
        Some(Decoder { descr, width })
    }

    pub(crate) fn allocate(&self, n_items: usize) -> Decoded {
        match self.descr {
            Descr::F4(_) => Decoded::F32(vec![0.0; n_items]),
            _ => Decoded::F64(vec![0.0; n_items]),
        }
    }
}

/// The values decoded so far, in file order.
pub(crate) enum Decoded {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Decoded {
    /// Decodes `bytes` into the values from position `at` on; `false` when
    /// a boolean is neither 0 nor 1.
    pub(crate) fn fill(&mut self, decoder: &Decoder, bytes: &[u8], at: usize) -> bool {
        use Endian::{Big, Little};
        let items = bytes.len() / decoder.width;
        macro_rules! decode {
            ($out:expr, $n:literal, $convert:expr) => {
                decode_parallel::<_, $n>(bytes, &mut $out[at..at + items], $convert)
            };
        }
        match (self, decoder.descr) {
            (Decoded::F32(out), Descr::F4(Little)) => decode!(out, 4, f32::from_le_bytes),
            (Decoded::F32(out), _) => decode!(out, 4, f32::from_be_bytes),
            (Decoded::F64(out), descr) => match descr {
                Descr::F8(Little) => decode!(out, 8, f64::from_le_bytes),
                Descr::F8(Big) => decode!(out, 8, f64::from_be_bytes),
                Descr::I1 => decode!(out, 1, |b: [u8; 1]| f64::from(b[0] as i8)),
                Descr::U1 | Descr::B1 => decode!(out, 1, |b: [u8; 1]| f64::from(b[0])),
                Descr::I2(Little) => decode!(out, 2, |b| f64::from(i16::from_le_bytes(b))),
                Descr::I2(Big) => decode!(out, 2, |b| f64::from(i16::from_be_bytes(b))),
                Descr::U2(Little) => decode!(out, 2, |b| f64::from(u16::from_le_bytes(b))),
                Descr::U2(Big) => decode!(out, 2, |b| f64::from(u16::from_be_bytes(b))),
                Descr::I4(Little) => decode!(out, 4, |b| f64::from(i32::from_le_bytes(b))),
                Descr::I4(Big) => decode!(out, 4, |b| f64::from(i32::from_be_bytes(b))),
                Descr::U4(Little) => decode!(out, 4, |b| f64::from(u32::from_le_bytes(b))),
                Descr::U4(Big) => decode!(out, 4, |b| f64::from(u32::from_be_bytes(b))),
                Descr::I8(Little) => decode!(out, 8, |b| i64::from_le_bytes(b) as f64),
                Descr::I8(Big) => decode!(out, 8, |b| i64::from_be_bytes(b) as f64),
                Descr::U8(Little) => decode!(out, 8, |b| u64::from_le_bytes(b) as f64),
                Descr::U8(Big) => decode!(out, 8, |b| u64::from_be_bytes(b) as f64),
                Descr::F4(_) => {}
            },
        }
        decoder.descr != Descr::B1 || bytes.iter().all(|&b| b <= 1)
    }

    /// The array of the header's shape and order.
    pub(crate) fn into_array(self, header: &NpyHeader, name: &str) -> Result<NumericArray> {
        let shape = IxDyn(&header.shape).set_f(header.fortran_order);
        let failed = |e| invalid(format!("{name}: cannot read the array: {e}"));
        Ok(match self {
            Decoded::F64(values) => {
                NumericArray::F64(ArrayD::from_shape_vec(shape, values).map_err(failed)?)
            }
            Decoded::F32(values) => {
                NumericArray::F32(ArrayD::from_shape_vec(shape, values).map_err(failed)?)
            }
        })
    }
}

/// `out[i] = convert(bytes of element i)`, split over the available cores
/// when there is enough to do; each value is independent, so the split
/// changes nothing.
fn decode_parallel<T: Send, const W: usize>(
    bytes: &[u8],
    out: &mut [T],
    convert: impl Fn([u8; W]) -> T + Copy + Send,
) {
    const PER_THREAD: usize = 1 << 20;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(out.len() / PER_THREAD)
        .max(1);
    if threads == 1 {
        decode_serial(bytes, out, convert);
        return;
    }
    let per = out.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (out, bytes) in out.chunks_mut(per).zip(bytes.chunks(per * W)) {
            scope.spawn(move || decode_serial(bytes, out, convert));
        }
    });
}

#[inline(always)]
fn decode_serial<T, const W: usize>(bytes: &[u8], out: &mut [T], convert: impl Fn([u8; W]) -> T) {
    for (o, b) in out.iter_mut().zip(bytes.chunks_exact(W)) {
        let mut raw = [0u8; W];
        raw.copy_from_slice(b);
        *o = convert(raw);
    }
}
