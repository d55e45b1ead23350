//! Parquet in and out: the one module that sees the `parquet` and `arrow` crates.
//!
//! **In**, a Parquet file is read as the records a CSV file gives: its column names are the
//! header and each row a record, read a batch at a time, so labelled rows go through the CSV's
//! own checks (`corpus::RowReader`) and articles through the JSON lines' (a row's
//! number, from 1, stands where a CSV names its line). Each cell also keeps its type for the
//! fields an article carries to its output: integers, floats and booleans stay JSON numbers and
//! booleans, text stays text, dates, times and decimals become their text, nulls stay null;
//! nested columns (lists, structs, maps) are left out, as JSON lines leave out arrays and
//! objects.
//!
//! **Out**, [`TableWriter`] writes a table of text, integer and float columns a batch at a
//! time, compressed with Snappy (what pandas and Spark write by default), each batch reaching
//! the output as soon as its row group is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use crate::error::Error;

/// The first four bytes of every Parquet file.
const MAGIC: &[u8] = b"PAR1";

/// Rows read from a Parquet file at a time.
const BATCH_ROWS: usize = 4096;

/// Rows of output in one row group: a row group is held in memory until it is written.
const ROW_GROUP_ROWS: usize = 65_536;

/// True when `head`, the first bytes of an input, open a Parquet file.
pub(crate) fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// The rows of a Parquet file held in memory, a batch at a time, each as the cells of its
/// columns in header order.
pub struct ParquetRecords {
    reader: ParquetRecordBatchReader,
    header: Vec<String>,
    /// For each column, whether it is nested (read as null, and carried by no article).
    nested: Vec<bool>,
    path: PathBuf,
    batch: Vec<Cells>,
    batch_rows: usize,
    /// Index of the next row in `batch`.
    next: usize,
    /// Number (from 1) of the last row given.
    row: u64,
}

impl ParquetRecords {
    /// Opens the Parquet file in `bytes`; `path` names it in errors.
    pub fn new(bytes: Vec<u8>, path: &Path) -> Result<Self, Error> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .map_err(|err| bad_file(path, err))?;
        let fields = builder.schema().fields();
        let header = fields.iter().map(|field| field.name().clone()).collect();
        let nested = fields
            .iter()
            .map(|field| is_nested(field.data_type()))
            .collect();
        let reader = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|err| bad_file(path, err))?;
        Ok(ParquetRecords {
            reader,
            header,
            nested,
            path: path.to_path_buf(),
            batch: Vec::new(),
            batch_rows: 0,
            next: 0,
            row: 0,
        })
    }

    /// The column names, in order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether column `i` is nested (a list, struct or map): its cells are null.
    pub(crate) fn is_nested(&self, i: usize) -> bool {
        self.nested.get(i).copied().unwrap_or(false)
    }

    /// The next row as one JSON value per column (see the module's note on types), and its
    /// number from 1; `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<(Vec<Value>, u64)>, Error> {
        while self.next >= self.batch_rows {
            match self.reader.next() {
                None => return Ok(None),
                Some(batch) => {
                    let batch = batch.map_err(|err| Error::Csv {
                        path: self.path.clone(),
                        line: self.row + 1,
                        message: format!("reading the Parquet file: {err}"),
                    })?;
                    self.batch = batch.columns().iter().map(Cells::of).collect();
                    self.batch_rows = batch.num_rows();
                    self.next = 0;
                }
            }
        }
        let i = self.next;
        self.next += 1;
        self.row += 1;
        let values = self.batch.iter().map(|cells| cells.value(i)).collect();
        Ok(Some((values, self.row)))
    }
}

/// A cell's value as the text a CSV field would hold: empty for null.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn bad_file(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::NotText {
        path: path.to_path_buf(),
        problem: format!("not a readable Parquet file: {err}"),
    }
}

/// One column of a batch, cast to the type its cells are read as.
enum Cells {
    Integers(ArrayRef),
    Unsigned(ArrayRef),
    Floats(ArrayRef),
    Booleans(ArrayRef),
    Text(ArrayRef),
    /// A nested column, or one with no text form.
    Left,
}

impl Cells {
    fn of(array: &ArrayRef) -> Cells {
        use DataType::*;
        let cast = |to: &DataType| arrow_cast::cast(array, to).ok();
        let cells = match array.data_type() {
            Int8 | Int16 | Int32 | Int64 => cast(&Int64).map(Cells::Integers),
            UInt8 | UInt16 | UInt32 | UInt64 => cast(&UInt64).map(Cells::Unsigned),
            Float16 | Float32 | Float64 => cast(&Float64).map(Cells::Floats),
            Boolean => Some(Cells::Booleans(array.clone())),
            nested if is_nested(nested) => None,
            _ => cast(&Utf8).map(Cells::Text),
        };
        cells.unwrap_or(Cells::Left)
    }

    fn value(&self, i: usize) -> Value {
        let array = match self {
            Cells::Integers(a)
            | Cells::Unsigned(a)
            | Cells::Floats(a)
            | Cells::Booleans(a)
            | Cells::Text(a) => a,
            Cells::Left => return Value::Null,
        };
        if array.is_null(i) {
            return Value::Null;
        }
        match self {
            Cells::Integers(a) => Value::from(a.as_primitive::<Int64Type>().value(i)),
            Cells::Unsigned(a) => Value::from(a.as_primitive::<UInt64Type>().value(i)),
            // JSON has no NaN or infinity: such a float is null, as serde_json writes it.
            Cells::Floats(a) => {
                serde_json::Number::from_f64(a.as_primitive::<Float64Type>().value(i))
                    .map_or(Value::Null, Value::Number)
            }
            Cells::Booleans(a) => Value::Bool(a.as_boolean().value(i)),
            Cells::Text(a) => Value::String(a.as_string::<i32>().value(i).to_string()),
            Cells::Left => Value::Null,
        }
    }
}

/// True for the types whose cells hold more than one value.
fn is_nested(data_type: &DataType) -> bool {
    use DataType::*;
    matches!(
        data_type,
        List(_)
            | LargeList(_)
            | FixedSizeList(..)
            | ListView(_)
            | LargeListView(_)
            | Struct(_)
            | Map(..)
            | Union(..)
            | RunEndEncoded(..)
    )
}

/// What a column of a [`TableWriter`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Unsigned,
    Float,
}

/// One cell of a [`TableWriter`] row; `None` is null.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Option<std::borrow::Cow<'a, str>>),
    Unsigned(Option<u64>),
    Float(Option<f64>),
}

/// A Parquet table written to `out` a batch of rows at a time.
pub struct TableWriter<W: Write> {
    out: W,
    columns: Vec<(String, ColumnKind)>,
    schema: Arc<Schema>,
    writer: ArrowWriter<SharedBuffer>,
    written: SharedBuffer,
}

impl<W: Write> TableWriter<W> {
    /// Starts a table of `columns` (name and kind), in order.
    pub fn new(out: W, columns: Vec<(String, ColumnKind)>) -> Result<Self, std::io::Error> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, kind)| {
                let data_type = match kind {
                    ColumnKind::Text => DataType::Utf8,
                    ColumnKind::Unsigned => DataType::UInt64,
                    ColumnKind::Float => DataType::Float64,
                };
                Field::new(name, data_type, true)
            })
            .collect();
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let written = SharedBuffer::default();
        let schema = Arc::new(Schema::new(fields));
        let writer = ArrowWriter::try_new(written.clone(), schema.clone(), Some(properties))
            .map_err(std::io::Error::other)?;
        Ok(TableWriter {
            out,
            columns,
            schema,
            writer,
            written,
        })
    }

    /// Writes rows, each a cell per column in the columns' order and kinds, and passes on
    /// what the Parquet writer has written so far.
    pub fn write(&mut self, rows: &[Vec<Cell>]) -> Result<(), std::io::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, (name, kind))| column(rows, c, name, *kind))
            .collect::<Result<_, _>>()?;
        let batch =
            RecordBatch::try_new(self.schema.clone(), arrays).map_err(std::io::Error::other)?;
        self.writer.write(&batch).map_err(std::io::Error::other)?;
        self.pass_on()
    }

    /// Ends the table (its footer) and flushes the output.
    pub fn finish(&mut self) -> Result<(), std::io::Error> {
        self.writer.finish().map_err(std::io::Error::other)?;
        self.pass_on()?;
        self.out.flush()
    }

    fn pass_on(&mut self) -> Result<(), std::io::Error> {
        let bytes = self.written.take();
        self.out.write_all(&bytes)
    }
}

/// Column `c` of `rows` as an Arrow array of `kind`.
fn column(
    rows: &[Vec<Cell>],
    c: usize,
    name: &str,
    kind: ColumnKind,
) -> Result<ArrayRef, std::io::Error> {
    let mismatch = || std::io::Error::other(format!("column {name}: a cell of another kind"));
    Ok(match kind {
        ColumnKind::Text => Arc::new(
            rows.iter()
                .map(|row| match row.get(c) {
                    Some(Cell::Text(text)) => Ok(text.as_deref()),
                    _ => Err(mismatch()),
                })
                .collect::<Result<StringArray, _>>()?,
        ),
        ColumnKind::Unsigned => Arc::new(
            rows.iter()
                .map(|row| match row.get(c) {
                    Some(Cell::Unsigned(n)) => Ok(*n),
                    _ => Err(mismatch()),
                })
                .collect::<Result<UInt64Array, _>>()?,
        ),
        ColumnKind::Float => Arc::new(
            rows.iter()
                .map(|row| match row.get(c) {
                    Some(Cell::Float(x)) => Ok(*x),
                    _ => Err(mismatch()),
                })
                .collect::<Result<Float64Array, _>>()?,
        ),
    })
}

/// The bytes the Parquet writer has written and [`TableWriter`] has not passed on yet. The
/// writer needs an output it can send between threads, which a locked standard output is not.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[Vec<Cell>], columns: Vec<(String, ColumnKind)>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = TableWriter::new(&mut out, columns).unwrap();
        writer.write(rows).unwrap();
        writer.write(rows).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_written_table_reads_back_cell_for_cell() {
        let columns = vec![
            ("name".to_string(), ColumnKind::Text),
            ("count".to_string(), ColumnKind::Unsigned),
            ("share".to_string(), ColumnKind::Float),
        ];
        let rows = vec![
            vec![
                Cell::Text(Some("Lee “quoted”".into())),
                Cell::Unsigned(Some(3)),
                Cell::Float(Some(0.25)),
            ],
            vec![Cell::Text(None), Cell::Unsigned(None), Cell::Float(None)],
        ];
        let bytes = table(&rows, columns);
        assert!(is_parquet(&bytes));
        let mut records = ParquetRecords::new(bytes, Path::new("t.parquet")).unwrap();
        assert_eq!(records.header(), ["name", "count", "share"]);
        let mut read = Vec::new();
        while let Some((values, row)) = records.next_row().unwrap() {
            read.push((values, row));
        }
        assert_eq!(read.len(), 4);
        assert_eq!(
            read[0].0,
            vec![
                Value::from("Lee “quoted”"),
                Value::from(3u64),
                Value::from(0.25)
            ]
        );
        assert_eq!(read[1].0, vec![Value::Null, Value::Null, Value::Null]);
        assert_eq!(read[3].1, 4);
        assert_eq!(value_text(&read[0].0[1]), "3");
        assert_eq!(value_text(&read[1].0[0]), "");
    }

    #[test]
    fn nested_columns_read_as_null_and_gzip_files_are_read() {
        use arrow_array::builder::{ListBuilder, StringBuilder};
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("x");
        tags.append(true);
        let text: ArrayRef = Arc::new(StringArray::from(vec!["Lee said so."]));
        let batch = RecordBatch::try_from_iter([
            ("text", text),
            ("tags", Arc::new(tags.finish()) as ArrayRef),
        ])
        .unwrap();
        let properties = WriterProperties::builder()
            .set_compression(Compression::GZIP(Default::default()))
            .build();
        let mut bytes = Vec::new();
        let mut writer =
            ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let mut records = ParquetRecords::new(bytes, Path::new("t.parquet")).unwrap();
        assert!(!records.is_nested(0) && records.is_nested(1));
        let (values, _) = records.next_row().unwrap().unwrap();
        assert_eq!(values, vec![Value::from("Lee said so."), Value::Null]);
    }

    #[test]
    fn a_file_that_is_not_parquet_is_named_in_the_error() {
        let err = ParquetRecords::new(b"PAR1 but nothing else".to_vec(), Path::new("x.parquet"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("x.parquet") && err.contains("Parquet"),
            "{err}"
        );
    }

    #[test]
    fn a_cell_of_the_wrong_kind_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        let mut writer =
            TableWriter::new(&mut out, vec![("n".to_string(), ColumnKind::Unsigned)]).unwrap();
        let err = writer.write(&[vec![Cell::Float(Some(1.0))]]).unwrap_err();
        assert!(err.to_string().contains("column n"), "{err}");
    }
}
