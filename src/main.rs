//! The `innolift` binary.

fn main() -> std::process::ExitCode {
    innolift::cli::main()
}
