package dev.telnetkit.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain socket client for Java tests, playing a client that speaks no Telnet (like netcat):
 * it answers no negotiation, so the server falls back to line mode after its connect-maxwait.
 * Telnet commands the server sends are stripped; the rest is decoded as UTF-8 into {@link #output()}.
 *
 * <p>Like the testkit's client, the await methods search from a read mark and move it past what
 * they matched, so consecutive awaits follow the conversation in order.
 */
final class LineClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final int IAC = 255;
    private static final int SB = 250;
    private static final int SE = 240;

    private final Socket socket;
    private final OutputStream out;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final Thread reader;
    private int mark;
    private boolean closed;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = new Thread(this::readLoop, "line-client-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static LineClient connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new LineClient(socket);
    }

    private void readLoop() {
        byte[] buffer = new byte[4096];
        int state = 0; // 0 data, 1 after IAC, 2 option byte of a verb, 3 in SB, 4 IAC in SB
        boolean lastWasCr = false;
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) break;
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        int b = buffer[i] & 0xff;
                        switch (state) {
                            case 0:
                                if (b == IAC) {
                                    state = 1;
                                } else if (!(lastWasCr && b == 0)) {
                                    data.write(b);
                                }
                                lastWasCr = b == '\r';
                                break;
                            case 1:
                                if (b == IAC) {
                                    data.write(IAC);
                                    state = 0;
                                } else if (b >= 251) {
                                    state = 2; // WILL, WONT, DO, DONT: one option byte follows
                                } else if (b == SB) {
                                    state = 3;
                                } else {
                                    state = 0;
                                }
                                break;
                            case 2:
                                state = 0;
                                break;
                            case 3:
                                if (b == IAC) state = 4;
                                break;
                            default:
                                state = b == SE ? 0 : 3;
                                break;
                        }
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // closed or reset: the conversation is over
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
        }
    }

    /** Everything received so far, Telnet commands removed. */
    synchronized String output() {
        return data.toString(StandardCharsets.UTF_8);
    }

    /** Text after the read mark. */
    synchronized String unread() {
        String all = output();
        return all.substring(Math.min(mark, all.length()));
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendLine(String line) throws IOException {
        send(line + "\r\n");
    }

    void sendBytes(byte... bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Waits for {@code expected} after the mark; returns the text up to and including it. */
    String awaitText(String expected) throws InterruptedException {
        return awaitText(expected, TIMEOUT);
    }

    synchronized String awaitText(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String all = output();
            int at = all.indexOf(expected, mark);
            if (at >= 0) {
                String seen = all.substring(mark, at + expected.length());
                mark = at + expected.length();
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new AssertionError("no text '" + printable(expected) + "' within " + timeout
                    + (closed ? " (connection closed)" : "") + "; unread text: '" + printable(all.substring(mark)) + "'");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until {@code prompt} is the last thing received; returns the text before it. */
    String awaitPrompt(String prompt) throws InterruptedException {
        return awaitPrompt(prompt, TIMEOUT);
    }

    synchronized String awaitPrompt(String prompt, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String all = output();
            if (all.length() - mark >= prompt.length() && all.endsWith(prompt)) {
                String seen = all.substring(mark, all.length() - prompt.length());
                mark = all.length();
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new AssertionError("no prompt '" + printable(prompt) + "' at the end within " + timeout
                    + (closed ? " (connection closed)" : "") + "; unread text: '" + printable(all.substring(mark)) + "'");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** True once the server has closed the connection, waiting up to {@code timeout}. */
    synchronized boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u001b", "\\e");
    }
}
