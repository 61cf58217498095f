//! Runs an agent's command confined to one project directory, prints what it
//! wrote and what it changed, and exits with its status.
//! Usage: confine_agent PROJECT_DIR COMMAND [ARGS...]
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: confine_agent PROJECT_DIR COMMAND [ARGS...]".into());
    }
    let project = std::fs::canonicalize(&args[0])?;
    let mut sb = nono::Sandbox::new()?;
    sb.allow(&project)?.workdir(&project)?.block_network()?;
    let result = sb.run(&args[1..])?;
    std::io::stdout().write_all(&result.stdout)?;
    std::io::stderr().write_all(&result.stderr)?;
    println!("exit {}, session {}", result.status, result.session_id);
    for change in nono::changes(&result.session_id)? {
        if change.status != "unchanged" {
            let rel = change.path.strip_prefix(&project).unwrap_or(&change.path);
            println!("  {:9} {}", change.status, rel.display());
        }
    }
    std::process::exit(result.status)
}
