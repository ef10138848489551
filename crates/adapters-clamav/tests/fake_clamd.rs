//! The clamd client against a fake clamd speaking the INSTREAM protocol:
//! it reassembles the chunks and flags the EICAR test string.

use std::time::Duration;

use histologe_adapters_clamav::ClamdScanner;
use histologe_ports::{ScanError, ScanVerdict, VirusScanner};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// Serves `connections` scans; returns the port.
async fn fake_clamd(connections: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        for _ in 0..connections {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut command = [0u8; 10];
            socket.read_exact(&mut command).await.expect("command");
            assert_eq!(&command, b"zINSTREAM\0");
            let mut file = Vec::new();
            loop {
                let mut len = [0u8; 4];
                socket.read_exact(&mut len).await.expect("length");
                let len = u32::from_be_bytes(len) as usize;
                if len == 0 {
                    break;
                }
                let mut chunk = vec![0u8; len];
                socket.read_exact(&mut chunk).await.expect("chunk");
                file.extend(chunk);
            }
            let reply: &[u8] = if file.windows(EICAR.len()).any(|w| w == EICAR) {
                b"stream: Eicar-Signature FOUND\0"
            } else {
                b"stream: OK\0"
            };
            socket.write_all(reply).await.expect("reply");
        }
    });
    port
}

#[tokio::test]
async fn clean_and_infected_files_over_several_chunks() {
    let port = fake_clamd(2).await;
    let scanner = ClamdScanner::new("127.0.0.1", port);
    let clean = vec![b'a'; 200_000];
    assert_eq!(scanner.scan(&clean).await, Ok(ScanVerdict::Clean));
    let mut infected = vec![b' '; 100_000];
    infected.extend_from_slice(EICAR);
    assert_eq!(
        scanner.scan(&infected).await,
        Ok(ScanVerdict::Infected("Eicar-Signature".into()))
    );
}

#[tokio::test]
async fn no_clamd_is_unavailable_not_clean() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let scanner = ClamdScanner::new("127.0.0.1", port).with_timeout(Duration::from_secs(2));
    assert!(matches!(
        scanner.scan(b"x").await,
        Err(ScanError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_silent_clamd_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.expect("accept");
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let scanner = ClamdScanner::new("127.0.0.1", port).with_timeout(Duration::from_millis(300));
    assert!(matches!(
        scanner.scan(b"x").await,
        Err(ScanError::Unavailable(_))
    ));
}
