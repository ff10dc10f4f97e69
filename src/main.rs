use clap::Parser;
use repohealth::{cli, error};

fn main() {
    let parsed = cli::Cli::parse();
    let code = match cli::run(parsed) {
        Ok(code) => code,
        Err(e) => {
            let code = error::exit_code(&e);
            eprintln!("error: {e:#}");
            code
        }
    };
    std::process::exit(code);
}
