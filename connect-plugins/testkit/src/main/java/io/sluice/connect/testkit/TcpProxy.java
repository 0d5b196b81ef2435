package io.sluice.connect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on 127.0.0.1 in front of a server (a database, an S3 endpoint), to take the server away from a
 * client and give it back: {@link #down()} drops every connection and refuses new ones; {@link #failHttp(int)} drops
 * every connection and answers each new one with that HTTP error (503 SlowDown, 500) instead of forwarding it;
 * {@link #up()} forwards again.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile int httpStatus;
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void down() {
        up = false;
        dropAll();
    }

    /** Answers every request with {@code status} (S3's error XML for 503 and 500) until {@link #up()}. */
    public void failHttp(int status) {
        httpStatus = status;
        dropAll();
    }

    /** Connections answered with an error or refused so far. */
    public long refused() {
        return refused.get();
    }

    private void dropAll() {
        for (Socket s : open) {
            close(s);
        }
        open.clear();
    }

    public void up() {
        httpStatus = 0;
        up = true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!up) {
                    refused.incrementAndGet();
                    close(client);
                    continue;
                }
                int status = httpStatus;
                if (status != 0) {
                    refused.incrementAndGet();
                    answer(client, status);
                    continue;
                }
                Socket target = new Socket();
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                open.add(client);
                open.add(target);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection drop
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    /** Reads the request head and answers with an S3-style error, closing the connection. */
    private static void answer(Socket client, int status) {
        Thread t = new Thread(() -> {
            try (client) {
                InputStream in = client.getInputStream();
                int matched = 0;
                byte[] end = {'\r', '\n', '\r', '\n'};
                for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                    matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                String code = status == 503 ? "SlowDown" : "InternalError";
                String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                        + "injected by the test proxy</Message></Error>";
                String response = "HTTP/1.1 " + status + " " + code + "\r\nContent-Type: application/xml\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
                client.getOutputStream().write(response.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
            } catch (IOException e) {
                // the client went away first
            }
        }, "tcp-proxy-error");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        down();
        server.close();
    }
}
