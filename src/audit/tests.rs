//! Unit tests of the pure audit stages on hand-built inputs.
