use clap::Parser;
use repohealth::cli;

fn main() {
    let parsed = cli::Cli::parse();
    let code = match cli::run(parsed) {
        Ok(code) => code,
        Err(e) => {
            let code = cli::exit_code(&e);
            eprintln!("error: {e:#}");
            code
        }
    };
    std::process::exit(code);
}
