//! The command-line interface: flags as parsed, before validation.

use std::path::PathBuf;

use agglo_io::csv_io::{CsvOptions, IndexCol};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Hierarchical feature agglomeration, exact to scikit-learn.
#[derive(Debug, Parser)]
#[command(name = "agglo", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scikit-learn's "Feature agglomeration" example on the embedded
    /// digits and draw its figure.
    #[command(
        after_help = "Example:\n  agglo digits --n-clusters 32 --output digits_agglomeration.png"
    )]
    Digits(DigitsArgs),
    /// Fit a model to an array (.npy, .npz, .csv), a NIfTI image or images
    /// and write labels, tree and pooled data.
    #[command(
        after_help = "Writes into --out (all at once, see CONTRACT.md): labels.npy; \
        children.npy (not with --method rena); distances.npy (with --compute-distances or \
        --distance-threshold); linkage.npy (when the tree is full); reduced.npy and \
        restored.npy (features axis); mask.npy (with --mask); labels.nii.gz and \
        restored.nii.gz (NIfTI input); model.json.\n\n\
        Examples:\n  \
        agglo fit images.npy --grid 8,8 --n-clusters 32 --out result --figure result.png\n  \
        agglo fit series.nii.gz --mask brain.nii.gz --n-clusters 500 --out parcels\n  \
        agglo fit X.npy --connectivity graph.npz --linkage ward --distance-threshold 20 --out result\n  \
        agglo fit volume.npy --mask brain.npy --n-clusters 1000 --out parcels\n  \
        agglo fit series.nii.gz --mask brain.nii.gz --method rena --n-clusters 1000 --out rena"
    )]
    Fit(Box<FitArgs>),
    /// Pool new data onto the clusters of a fitted model (features axis).
    #[command(after_help = "Examples:\n  \
        agglo transform new_images.npy --model result --out reduced.npy\n  \
        agglo transform new_series.nii.gz --model parcels --out timeseries.csv")]
    Transform(ApplyArgs),
    /// Map reduced data back to the features of a fitted model.
    #[command(
        name = "inverse-transform",
        after_help = "Examples:\n  \
        agglo inverse-transform reduced.npy --model result --out restored.npy\n  \
        agglo inverse-transform timeseries.npy --model parcels --out restored.nii.gz"
    )]
    InverseTransform(ApplyArgs),
    /// Cut the tree of a fitted model at other numbers of clusters, or at a
    /// distance threshold, without refitting (the model must hold the full
    /// tree: fit with --compute-full-tree true).
    #[command(after_help = "Examples:\n  \
        agglo fit X.npy --grid 64,64 --n-clusters 100 --compute-full-tree true --out model\n  \
        agglo cut model --n-clusters 50 --out labels50.npy\n  \
        agglo cut model --n-clusters 10,20,50,100 --out sweep.npy   # one row per k\n  \
        agglo cut model --distance-threshold 12.5 --out labels.npy")]
    Cut(CutArgs),
    /// Draw the tree of a fitted model as a dendrogram (scipy's layout):
    /// the model must hold the full tree and its distances (fit with
    /// --compute-full-tree true --compute-distances).
    #[command(after_help = "Examples:\n  \
        agglo fit X.npy --grid 64,64 --n-clusters 100 --compute-full-tree true --compute-distances --out model\n  \
        agglo dendrogram model --out tree.png                # the last 63 merges\n  \
        agglo dendrogram model --truncate 200 --out tree.svg\n\n\
        Ward distances under a connectivity constraint need not grow with the merges:\n\
        a merge drawn below one of its parts is one the tree holds, not a drawing error.")]
    Dendrogram(DendrogramArgs),
    /// Print a shell completion script for agglo (bash, zsh, fish,
    /// powershell, elvish) on stdout.
    #[command(after_help = "Examples:\n  \
        agglo completions bash > ~/.local/share/bash-completion/completions/agglo\n  \
        agglo completions zsh > ~/.zfunc/_agglo")]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print agglo's manual page (roff) on stdout, made from the same
    /// definitions as --help.
    #[command(after_help = "Example:\n  agglo man > agglo.1 && man ./agglo.1")]
    Man,
}

/// Flags of `agglo dendrogram`.
#[derive(Debug, Args)]
pub struct DendrogramArgs {
    /// The folder `agglo fit` wrote.
    pub model: PathBuf,
    /// The figure to write: .png (800 × 450) or .svg.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Draw only the last N − 1 merges, over the N clusters they join
    /// (scipy's truncate_mode="lastp") [default: 64].
    #[arg(long, value_name = "N")]
    pub truncate: Option<usize>,
    /// Print one JSON object on stdout (inputs, shapes, parameters,
    /// outputs written, clusters, warnings, timings) and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Flags of `agglo cut`.
#[derive(Debug, Args)]
pub struct CutArgs {
    /// The folder `agglo fit` wrote.
    pub model: PathBuf,
    /// The numbers of clusters, comma-separated: one row of labels each.
    #[arg(
        long,
        value_name = "K[,K...]",
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_parser = count
    )]
    pub n_clusters: Option<Vec<usize>>,
    /// Cut where the linkage distance reaches this value instead (the
    /// model needs distances.npy: fit with --compute-distances).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub distance_threshold: Option<f64>,
    /// The .npy file to write: int64 labels, shape (n_points,) for one k or
    /// a threshold, (number of k, n_points) for several.
    #[arg(long, value_name = "FILE.npy")]
    pub out: PathBuf,
    /// Print one JSON object on stdout (inputs, shapes, parameters,
    /// outputs written, clusters, warnings, timings) and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Flags of `agglo transform` and `agglo inverse-transform`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The data: .npy, .npz (see --key), .csv, NIfTI (.nii, .nii.gz), or
    /// images (.png, .jpg, .tif, a folder of them).
    pub input: PathBuf,
    /// The folder `agglo fit` wrote.
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// The file to write: .npy, .csv, or for inverse-transform of a NIfTI
    /// model .nii/.nii.gz.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// How the input is read.
    #[command(flatten)]
    pub read: InputArgs,
    /// Print one JSON object on stdout (inputs, shapes, parameters,
    /// outputs written, clusters, warnings, timings) and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Flags of `agglo digits`.
#[derive(Debug, Args)]
pub struct DigitsArgs {
    /// Number of super-pixels to merge the 64 pixels into.
    #[arg(long, default_value_t = 32, value_name = "K", allow_negative_numbers = true, value_parser = count)]
    pub n_clusters: usize,
    /// Where to write the figure: PNG, or SVG when the name ends in .svg.
    #[arg(
        long,
        short,
        default_value = "digits_agglomeration.png",
        value_name = "FILE"
    )]
    pub output: PathBuf,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Which axis of X holds the points to cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Axis {
    /// Cluster the columns (FeatureAgglomeration), then pool the data.
    Features,
    /// Cluster the rows (AgglomerativeClustering).
    Samples,
}

/// The clustering algorithm of `agglo fit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Hierarchical agglomerative clustering, scikit-learn's.
    Agglomerative,
    /// ReNA, recursive nearest agglomeration, nilearn's (features axis,
    /// needs a graph: --grid, --mask, --connectivity or --knn).
    Rena,
}

/// Flags of `agglo fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The data: a .npy array of shape (n_samples, n_features) or
    /// (n_samples, *grid) of any real numeric dtype, an .npz archive (see
    /// --key), a CSV table, a NIfTI image (.nii, .nii.gz): a 4-D series
    /// (x, y, z, t) is t samples over its voxels, a 3-D image one sample;
    /// or an image (.png, .jpg, .tif with any number of pages, or a folder
    /// of same-sized images): one sample per colour channel (see --grey)
    /// over its pixels, on its own grid.
    pub input: PathBuf,
    /// Folder to write the results into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Cluster the features (columns) or the samples (rows).
    #[arg(long, value_enum, default_value_t = Axis::Features)]
    pub axis: Axis,
    /// Grid connectivity: the points lie on a grid of any number of
    /// dimensions (N, H,W, H,W,D, …), in row-major order, each joined to
    /// its 2·dims nearest neighbours.
    #[arg(long, value_name = "H,W[,D...]", value_delimiter = ',', num_args = 1..)]
    pub grid: Option<Vec<usize>>,
    /// Boolean (or 0/1) .npy array, or a NIfTI mask, of the grid's shape:
    /// only points inside it are clustered, in row-major order.
    #[arg(long, value_name = "MASK")]
    pub mask: Option<PathBuf>,
    /// Connectivity graph: a scipy.sparse save_npz file (csr, csc, coo) or
    /// an .npy edge list of shape (E, 2).
    #[arg(long, value_name = "FILE", conflicts_with = "grid")]
    pub connectivity: Option<PathBuf>,
    /// Connectivity from the K nearest neighbours of each point (euclidean),
    /// like scikit-learn's kneighbors_graph(X, K, include_self=False).
    #[arg(
        long,
        value_name = "K",
        conflicts_with_all = ["grid", "connectivity", "mask"],
        allow_negative_numbers = true,
        value_parser = count
    )]
    pub knn: Option<usize>,
    /// The algorithm: scikit-learn's agglomerative clustering, or nilearn's
    /// ReNA (fast and approximate; labels, reduced and restored as
    /// nilearn's ReNA gives them).
    #[arg(long, value_enum, default_value_t = Method::Agglomerative)]
    pub method: Method,
    /// Stop at this many clusters.
    #[arg(long, value_name = "K", allow_negative_numbers = true, value_parser = count)]
    pub n_clusters: Option<usize>,
    /// ReNA: the largest number of rounds (it may end above --n-clusters).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count)]
    pub n_iter: Option<usize>,
    /// ReNA: edges within this relative distance of a node's nearest
    /// neighbour are kept too [default: 1e-7].
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// ReNA: transform multiplies each cluster's mean by the square root of
    /// its size.
    #[arg(long)]
    pub scaling: bool,
    /// Stop merging at this linkage distance instead.
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub distance_threshold: Option<f64>,
    /// Linkage criterion [default: ward].
    #[arg(long, value_parser = names(agglo::Linkage::NAMES))]
    pub linkage: Option<String>,
    /// Distance between points [default: euclidean]. With a graph:
    /// euclidean, l2, l1, manhattan, cityblock, cosine; without one, every
    /// metric scikit-learn takes.
    #[arg(long, value_parser = names(agglo::Metric::NAMES))]
    pub metric: Option<String>,
    /// How the features of a cluster are pooled by transform [default: mean].
    #[arg(long, value_parser = names(agglo::Pooling::NAMES))]
    pub pooling: Option<String>,
    /// Whether to build the whole tree [default: auto].
    #[arg(long, value_parser = names(agglo::ComputeFullTree::NAMES))]
    pub compute_full_tree: Option<String>,
    /// Also write the merge distances (distances.npy).
    #[arg(long)]
    pub compute_distances: bool,
    /// A graph in several pieces: complete it as scikit-learn does (warning,
    /// merges may cross pieces), raise (refuse it, naming the pieces), or
    /// separate (never merge across pieces: --n-clusters at least their
    /// number; the tree is a forest) [default: complete].
    #[arg(long, value_parser = names(agglo::OnDisconnected::NAMES))]
    pub on_disconnected: Option<String>,
    /// How the input is read.
    #[command(flatten)]
    pub read: InputArgs,
    /// Draw a figure (.png or .svg): for a 2-D grid a few samples and the
    /// same agglomerated on one grey scale, and the label map; for a 3-D
    /// grid the parcels over an underlay in three orthogonal slices.
    #[arg(long, value_name = "FILE")]
    pub figure: Option<PathBuf>,
    /// The 3-D figure's anatomical underlay: a NIfTI volume on the data's
    /// grid [default: the mean of the data over its samples].
    #[arg(long, value_name = "IMG.nii.gz", requires = "figure")]
    pub underlay: Option<PathBuf>,
    /// Print the time each stage took to stderr: starting, reading, building
    /// the graph, fitting, writing, pooling, writing.
    #[arg(long)]
    pub timings: bool,
    /// Print one JSON object on stdout (inputs, shapes, parameters,
    /// outputs written, clusters, warnings, timings) and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but warnings and errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A parser accepting exactly the library's names (and listing them in
/// `--help`).
fn names(names: &'static [&'static str]) -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(names)
}

/// How an input file is read (`--delimiter`, `--index-col`, `--grey`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    /// CSV tables.
    pub csv: CsvOptions,
    /// Images: grey instead of per channel.
    pub grey: bool,
}

/// `--delimiter`: one ASCII character, or `tab`.
fn parse_delimiter(value: &str) -> Result<u8, String> {
    match value {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() && v != "\n" && v != "\"" => Ok(v.as_bytes()[0]),
        v => Err(format!(
            "'{v}' is not a separator: give one character (',' ';' '|' ' ') or 'tab'"
        )),
    }
}

/// `--index-col`: a column number, or `none`.
fn parse_index_col(value: &str) -> Result<IndexCol, String> {
    match value {
        "none" => Ok(IndexCol::None),
        v => v.parse().map(IndexCol::Column).map_err(|_| {
            format!("'{v}' is not a column: give its number (0 is the first) or 'none'")
        }),
    }
}

/// The flags that say how an input file is read (`fit`, `transform`,
/// `inverse-transform`).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The array to use from an .npz archive (default: its only array).
    #[arg(long, value_name = "NAME")]
    pub key: Option<String>,
    /// CSV input: the field separator, a character or "tab" [default:
    /// detected among ',' ';' tab '|' and space, refused when two fit;
    /// tab for .tsv].
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// CSV input: the column (0 is the first) that holds row names, which
    /// is dropped, or "none" [default: a header starting with an empty
    /// field, as pandas writes its index, is refused].
    #[arg(long, value_name = "N|none", value_parser = parse_index_col)]
    pub index_col: Option<IndexCol>,
    /// Image input: one grey sample per image (0.299 R + 0.587 G + 0.114
    /// B) instead of one per colour channel.
    #[arg(long)]
    pub grey: bool,
}

impl InputArgs {
    /// How the input is read.
    pub fn reading(&self) -> Reading {
        Reading {
            csv: CsvOptions {
                delimiter: self.delimiter,
                index_col: self.index_col.unwrap_or_default(),
            },
            grey: self.grey,
        }
    }
}

/// A count (`--n-clusters`, `--knn`, `--n-iter`): a whole number, never
/// negative (a negative one is named as such, not taken for a flag).
fn count(value: &str) -> Result<usize, String> {
    value.parse().map_err(|_| match value.parse::<i64>() {
        Ok(n) if n < 0 => format!("{n} is negative: give a whole number of at least 1"),
        _ => format!("'{value}' is not a whole number"),
    })
}
