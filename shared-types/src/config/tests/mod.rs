//! Tests of the configuration: the document's examples, the default file, validation, merging.

mod document;
mod merge;
mod validate;
