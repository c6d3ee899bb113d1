//! Empty: this package exists for the C++ libraries ct2rs's build script compiles.
