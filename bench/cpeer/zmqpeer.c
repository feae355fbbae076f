/*
 * zmqpeer.c - the libzmq C API baseline peer of bench/.
 *
 * One of the peer programs the benchmark driver runs; the command-line
 * contract (modes, patterns, CURVE keys, RESULT lines) is in bench/PEERS.md:
 *
 *     zmqpeer MODE PATTERN ENDPOINT SIZE COUNT [curve]
 *
 * It uses the plain libzmq C API the way a careful C programmer would: one
 * context with the default I/O threads, zmq_send from a preallocated buffer
 * on the send side, one reused zmq_msg_t on the receive side, no per-message
 * output, and CLOCK_MONOTONIC for timing.
 *
 * Build: gcc -O2 -Wall -Wextra -o zmqpeer bench/cpeer/zmqpeer.c -lzmq -lpthread
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static const char SERVER_PUBLIC[] = "}KPyf=7)!@BJNT-@4@nx4h8p2zF.bK^h-y&NITo$";
static const char SERVER_SECRET[] = "X+F-$hK/Ig}ed6PxD*-2L-khsn?vgZq@mz+gkH]J";
static const char CLIENT_PUBLIC[] = ">vV#+k={:*s#ngwG+Bsxa1T>{8)oo5(EXuQHHBec";
static const char CLIENT_SECRET[] = "d2{@J80BRq<5RLH>9S9S56vl!x[Y[KzFR4g@#xW^";

enum pattern { PUSHPULL, DEALERROUTER, PUBSUB, REQREP };

static void *ctx;

/* Arguments of the helper thread of the inproc modes. */
struct peer_thread {
    void *sock;
    const char *buf;
    size_t size;
    long count;
};

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: zmqpeer MODE PATTERN ENDPOINT SIZE COUNT [curve]\n"
                    "  MODE: recv send echo rtt inproc-thr inproc-rtt\n"
                    "  PATTERN: pushpull dealerrouter pubsub reqrep\n");
    exit(1);
}

/* die reports a failed zmq call (errno set by libzmq) and exits. */
static _Noreturn void die(const char *what)
{
    fprintf(stderr, "zmqpeer: %s: %s\n", what, zmq_strerror(errno));
    exit(1);
}

static _Noreturn void fail(const char *msg, size_t got, size_t want)
{
    fprintf(stderr, "zmqpeer: %s (got %zu bytes, want %zu)\n", msg, got, want);
    exit(1);
}

/* check exits with msg when the argument combination bad is true. */
static void check(int bad, const char *msg)
{
    if (bad) {
        fprintf(stderr, "zmqpeer: %s\n", msg);
        exit(1);
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static long parse_num(const char *s, const char *name, long min)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min) {
        fprintf(stderr, "zmqpeer: bad %s %s (want an integer >= %ld)\n", name, s, min);
        exit(1);
    }
    return v;
}

static void setopt(void *s, int opt, const void *val, size_t len, const char *what)
{
    if (zmq_setsockopt(s, opt, val, len) != 0)
        die(what);
}

/* open_socket creates a socket and binds or connects it to ep; with curve
 * the binding side is the CURVE server and the connecting side the client. */
static void *open_socket(int type, const char *ep, int bind, int curve)
{
    void *s = zmq_socket(ctx, type);
    if (s == NULL)
        die("zmq_socket");
    if (curve && bind) {
        int one = 1;
        setopt(s, ZMQ_CURVE_SERVER, &one, sizeof one, "ZMQ_CURVE_SERVER");
        setopt(s, ZMQ_CURVE_SECRETKEY, SERVER_SECRET, 40, "ZMQ_CURVE_SECRETKEY");
    } else if (curve) {
        setopt(s, ZMQ_CURVE_SERVERKEY, SERVER_PUBLIC, 40, "ZMQ_CURVE_SERVERKEY");
        setopt(s, ZMQ_CURVE_PUBLICKEY, CLIENT_PUBLIC, 40, "ZMQ_CURVE_PUBLICKEY");
        setopt(s, ZMQ_CURVE_SECRETKEY, CLIENT_SECRET, 40, "ZMQ_CURVE_SECRETKEY");
    }
    if (type == ZMQ_SUB)
        setopt(s, ZMQ_SUBSCRIBE, "", 0, "ZMQ_SUBSCRIBE");
    if (type == ZMQ_PUB) {
        /* Lossless fan-out: at a subscriber's high-water mark the
         * publisher waits instead of dropping. */
        int one = 1;
        setopt(s, ZMQ_XPUB_NODROP, &one, sizeof one, "ZMQ_XPUB_NODROP");
    }
    if (bind ? zmq_bind(s, ep) : zmq_connect(s, ep))
        die(bind ? "zmq_bind" : "zmq_connect");
    return s;
}

/* wait_stdin returns when standard input ends: a sender stays connected
 * until the driver says the receivers are done. (libzmq 4.3 can lose
 * the input it had not yet queued when the peer hangs up while the
 * receiving pipe is full.) */
static void wait_stdin(void)
{
    char tmp[256];
    ssize_t n;
    do
        n = read(0, tmp, sizeof tmp);
    while (n > 0 || (n < 0 && errno == EINTR));
}

/* ready tells the driver that a receiving side has bound (or connected). */
static void ready(void)
{
    printf("READY\n");
    fflush(stdout);
}

static void close_socket(void *s)
{
    if (zmq_close(s) != 0)
        die("zmq_close");
}

/* recv_msg receives one frame into msg and returns its size. */
static size_t recv_msg(void *s, zmq_msg_t *msg)
{
    int rc;
    while ((rc = zmq_msg_recv(msg, s, 0)) == -1 && errno == EINTR)
        ;
    if (rc == -1)
        die("zmq_msg_recv");
    return zmq_msg_size(msg);
}

static void send_buf(void *s, const void *buf, size_t size)
{
    int rc;
    while ((rc = zmq_send(s, buf, size, 0)) == -1 && errno == EINTR)
        ;
    if (rc == -1)
        die("zmq_send");
}

/* run_recv receives a throughput run and prints RESULT <msgs/s> <received>. */
static void run_recv(void *s, enum pattern p, size_t size, long count)
{
    zmq_msg_t msg;
    int64_t first = 0, last = 0;
    long n = 0;

    if (zmq_msg_init(&msg) != 0)
        die("zmq_msg_init");
    while (p == PUBSUB || n < count) {
        if (p == DEALERROUTER) {
            recv_msg(s, &msg); /* routing id */
            if (!zmq_msg_more(&msg))
                fail("ROUTER message without a body frame", zmq_msg_size(&msg), size);
        }
        size_t got = recv_msg(s, &msg);
        if (zmq_msg_more(&msg))
            fail("message with more frames than expected", got, size);
        if (p == PUBSUB && got == 0) {
            /* The end marker, sent right after the last message. */
            last = now_ns();
            break;
        }
        if (n == 0 || n == count - 1)
            last = now_ns();
        if (got != size)
            fail("message of the wrong size", got, size);
        if (n == 0)
            first = last;
        n++;
    }
    if (zmq_msg_close(&msg) != 0)
        die("zmq_msg_close");

    double rate = 0.0;
    if (n > 1 && last > first)
        rate = (double)n / ((double)(last - first) / 1e9);
    printf("RESULT %.1f %ld\n", rate, n);
}

/* run_send sends COUNT messages of the preallocated buffer; for pubsub it
 * first waits for subscribers and afterwards sends the end markers. */
static void run_send(void *s, enum pattern p, const char *buf, size_t size, long count)
{
    if (p == PUBSUB)
        sleep_ms(500);
    for (long i = 0; i < count; i++)
        send_buf(s, buf, size);
    if (p == PUBSUB) {
        for (int i = 0; i < 20; i++) {
            send_buf(s, buf, 0);
            sleep_ms(5);
        }
    }
}

/* run_echo echoes COUNT+1 requests (one warm-up) on a REP socket. */
static void run_echo(void *s, long count)
{
    zmq_msg_t msg;
    if (zmq_msg_init(&msg) != 0)
        die("zmq_msg_init");
    for (long i = 0; i <= count; i++) {
        int rc;
        recv_msg(s, &msg);
        /* On success zmq_msg_send leaves msg empty, ready for the next recv. */
        while ((rc = zmq_msg_send(&msg, s, 0)) == -1 && errno == EINTR)
            ;
        if (rc == -1)
            die("zmq_msg_send");
    }
    if (zmq_msg_close(&msg) != 0)
        die("zmq_msg_close");
}

/* run_rtt does one warm-up and COUNT timed round trips on a REQ socket and
 * prints RESULT <mean round trip in microseconds>. */
static void run_rtt(void *s, const char *buf, size_t size, long count)
{
    zmq_msg_t msg;
    int64_t start = 0;

    if (zmq_msg_init(&msg) != 0)
        die("zmq_msg_init");
    for (long i = 0; i <= count; i++) {
        if (i == 1)
            start = now_ns();
        send_buf(s, buf, size);
        size_t got = recv_msg(s, &msg);
        if (got != size)
            fail("reply of the wrong size", got, size);
    }
    int64_t elapsed = now_ns() - start;
    if (zmq_msg_close(&msg) != 0)
        die("zmq_msg_close");
    printf("RESULT %.3f\n", (double)elapsed / 1e3 / (double)count);
}

static void *inproc_sender(void *arg)
{
    struct peer_thread *t = arg;
    run_send(t->sock, PUSHPULL, t->buf, t->size, t->count);
    close_socket(t->sock);
    return NULL;
}

static void *inproc_echoer(void *arg)
{
    struct peer_thread *t = arg;
    run_echo(t->sock, t->count);
    close_socket(t->sock);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7)
        usage();
    const char *mode = argv[1], *pat = argv[2], *ep = argv[3];
    size_t size = (size_t)parse_num(argv[4], "SIZE", 0);
    long count = parse_num(argv[5], "COUNT", 1);
    int curve = argc == 7;
    enum pattern p;

    if (curve && strcmp(argv[6], "curve") != 0)
        usage();
    if (strcmp(pat, "pushpull") == 0)
        p = PUSHPULL;
    else if (strcmp(pat, "dealerrouter") == 0)
        p = DEALERROUTER;
    else if (strcmp(pat, "pubsub") == 0)
        p = PUBSUB;
    else if (strcmp(pat, "reqrep") == 0)
        p = REQREP;
    else
        usage();

    int is_recv = strcmp(mode, "recv") == 0, is_send = strcmp(mode, "send") == 0;
    int is_echo = strcmp(mode, "echo") == 0, is_rtt = strcmp(mode, "rtt") == 0;
    int is_ithr = strcmp(mode, "inproc-thr") == 0, is_irtt = strcmp(mode, "inproc-rtt") == 0;
    if (!(is_recv || is_send || is_echo || is_rtt || is_ithr || is_irtt))
        usage();
    check((is_recv || is_send) && p == REQREP, "recv/send need pushpull, dealerrouter or pubsub");
    check((is_echo || is_rtt || is_irtt) && p != REQREP, "echo, rtt and inproc-rtt need reqrep");
    check(is_ithr && p != PUSHPULL, "inproc-thr needs pushpull");
    /* libzmq runs no security handshake on inproc, so CURVE would be a no-op. */
    check(curve && (p != PUSHPULL || is_ithr), "curve works only with recv/send pushpull");
    check(p == PUBSUB && size == 0, "pubsub needs SIZE >= 1 (empty messages are end markers)");

    char *buf = malloc(size ? size : 1);
    check(buf == NULL, "cannot allocate the message buffer");
    memset(buf, 'x', size);

    ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");

    void *s;
    if (is_recv) {
        static const int types[] = { ZMQ_PULL, ZMQ_ROUTER, ZMQ_SUB };
        s = open_socket(types[p], ep, p != PUBSUB, curve);
        ready();
        run_recv(s, p, size, count);
    } else if (is_send) {
        static const int types[] = { ZMQ_PUSH, ZMQ_DEALER, ZMQ_PUB };
        s = open_socket(types[p], ep, p == PUBSUB, curve);
        run_send(s, p, buf, size, count);
        wait_stdin();
    } else if (is_echo) {
        s = open_socket(ZMQ_REP, ep, 1, 0);
        ready();
        run_echo(s, count);
    } else if (is_rtt) {
        s = open_socket(ZMQ_REQ, ep, 0, 0);
        run_rtt(s, buf, size, count);
    } else {
        /* Bind in main before connecting; the peer socket is then handed
         * to the thread (pthread_create is a full memory barrier). */
        struct peer_thread t = { NULL, buf, size, count };
        pthread_t th;
        int rc;
        if (is_ithr) {
            s = open_socket(ZMQ_PULL, ep, 1, 0);
            t.sock = open_socket(ZMQ_PUSH, ep, 0, 0);
        } else {
            t.sock = open_socket(ZMQ_REP, ep, 1, 0);
            s = open_socket(ZMQ_REQ, ep, 0, 0);
        }
        rc = pthread_create(&th, NULL, is_ithr ? inproc_sender : inproc_echoer, &t);
        check(rc != 0, "pthread_create failed");
        if (is_ithr)
            run_recv(s, PUSHPULL, size, count);
        else
            run_rtt(s, buf, size, count);
        rc = pthread_join(th, NULL);
        check(rc != 0, "pthread_join failed");
    }

    close_socket(s);
    while (zmq_ctx_term(ctx) != 0) {
        if (errno != EINTR)
            die("zmq_ctx_term");
    }
    free(buf);
    fflush(stdout);
    return 0;
}
