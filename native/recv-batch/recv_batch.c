// Batch receive for Gapscope's receiver (Linux): reads a UDP socket that Node opened and bound with
// recvmmsg(2), many datagrams per system call, on a thread of its own, and hands them to
// JavaScript in batches (one call per batch instead of one per datagram). Plain node_api.h, no
// libuv: node-api's ABI is the same in Node and Electron, so one build serves both.
//
//   const r = addon.open(fd, (data, stamps, lengths, sources, count, errno) => {...});
//   r.ack()                // the batch was handled: the next may come (one at a time, see below)
//   r.close(() => {...})   // stops the thread; the callback runs once every batch was delivered
//
// One batch is handed on at a time: the thread keeps reading into the next one until JavaScript
// acknowledges the last, so the batches grow with the load, and JavaScript, which acknowledges
// from setImmediate, gets a turn of its event loop (disk writes, timers) between two batches.
//   addon.nowMs()          // CLOCK_MONOTONIC in ms, the clock the stamps use
//
// The socket stays Node's: this code never closes it. Node's own reading must be stopped first.
//
// Batch send for Gapscope's generator, on the JavaScript thread, with sendmmsg(2):
//
//   const { sent, errno } = addon.sendBatch(fd, datagrams, host, port)
//
// sends the Uint8Arrays in order to host:port (an IPv4 or IPv6 address, fe80::1%eth0 with its
// interface) without blocking, and stops at the first one the kernel does not take: `sent` were
// sent; errno says why the next was not (EAGAIN: the send buffer is full, try it again later;
// another: that datagram was refused), 0 when all were sent.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

#define VLEN 64                 // datagrams per recvmmsg call
#define SLOT 65536              // room for the largest UDP payload
#define BATCH_MAX 1024          // datagrams per batch handed to JavaScript
#define BATCH_BYTES (1 << 20)   // or this many payload bytes, whichever comes first
#define SOURCE_BYTES 24         // per datagram: family (4 or 6), 0, port (big endian), 16 address bytes, IPv6 scope id (host order)

typedef struct {
  uint8_t *data;
  size_t bytes;
  double *stamps;
  uint32_t *lengths;
  uint8_t *sources;
  uint32_t count;
  int err;
} batch_t;

typedef struct {
  int fd;
  int wake;  // eventfd: close() and ack() write it to wake the thread
  atomic_int stop;
  atomic_int outstanding;  // a batch was handed on and not yet acknowledged
  pthread_t thread;
  int started;
  napi_threadsafe_function tsfn;
  napi_ref done_cb;
  napi_env env;
} reader_t;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static batch_t *batch_new(void) {
  batch_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->data = malloc(BATCH_BYTES + SLOT);
  b->stamps = malloc(sizeof(double) * (BATCH_MAX + VLEN));
  b->lengths = malloc(sizeof(uint32_t) * (BATCH_MAX + VLEN));
  b->sources = malloc(SOURCE_BYTES * (BATCH_MAX + VLEN));
  if (!b->data || !b->stamps || !b->lengths || !b->sources) {
    free(b->data), free(b->stamps), free(b->lengths), free(b->sources), free(b);
    return NULL;
  }
  return b;
}

static void batch_free(batch_t *b) {
  if (!b) return;
  free(b->data), free(b->stamps), free(b->lengths), free(b->sources), free(b);
}

static void put_source(uint8_t *out, const struct sockaddr_storage *ss) {
  memset(out, 0, SOURCE_BYTES);
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    out[0] = 4;
    memcpy(out + 2, &a->sin_port, 2);
    memcpy(out + 4, &a->sin_addr, 4);
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    out[0] = 6;
    memcpy(out + 2, &a->sin6_port, 2);
    memcpy(out + 4, &a->sin6_addr, 16);
    memcpy(out + 20, &a->sin6_scope_id, 4);
  }
}

// Hands a batch to JavaScript; false once the function is closing (the batch is freed).
static int deliver(reader_t *r, batch_t *b) {
  if (napi_call_threadsafe_function(r->tsfn, b, napi_tsfn_blocking) != napi_ok) {
    batch_free(b);
    return 0;
  }
  return 1;
}

static void *read_loop(void *arg) {
  reader_t *r = arg;
  pthread_setname_np(pthread_self(), "gs-recvmmsg");  // seen in /proc/PID/task/*/comm and top -H
  uint8_t *scratch = malloc((size_t)VLEN * SLOT);
  struct mmsghdr msgs[VLEN];
  struct iovec iov[VLEN];
  struct sockaddr_storage from[VLEN];
  batch_t *b = NULL;
  int failed = 0;
  if (!scratch) {
    batch_t *e = calloc(1, sizeof *e);
    if (e) e->err = ENOMEM, deliver(r, e);
    goto out;
  }
  struct pollfd fds[2] = {{.fd = r->fd, .events = POLLIN}, {.fd = r->wake, .events = POLLIN}};
  while (!atomic_load(&r->stop)) {
    // Hand on what was read as soon as the previous batch was handled.
    if (b && (b->count > 0 || b->err) && !atomic_load(&r->outstanding)) {
      atomic_store(&r->outstanding, 1);
      int err = b->err;
      int ok = deliver(r, b);
      b = NULL;
      if (!ok || err) break;
    }
    // A full batch, or a read error waiting to be handed on: only an acknowledgement or close() matters now.
    int full = b && (b->count >= BATCH_MAX || b->bytes >= BATCH_BYTES);
    fds[0].events = full || failed ? 0 : POLLIN;
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      if (!b && !(b = batch_new())) goto out;
      b->err = errno;
      failed = 1;
      continue;
    }
    if (fds[1].revents) {
      uint64_t v;
      if (read(r->wake, &v, sizeof v) < 0) { /* already reset */ }
      continue;
    }
    if (!(fds[0].revents & (POLLIN | POLLERR))) continue;
    // Read until the socket is empty or the batch is full.
    for (;;) {
      if (!b && !(b = batch_new())) {
        batch_t *e = calloc(1, sizeof *e);
        if (e) e->err = ENOMEM, deliver(r, e);
        goto out;
      }
      if (b->count >= BATCH_MAX || b->bytes >= BATCH_BYTES) break;
      for (int i = 0; i < VLEN; i++) {
        iov[i].iov_base = scratch + (size_t)i * SLOT;
        iov[i].iov_len = SLOT;
        memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      }
      int n = recvmmsg(r->fd, msgs, VLEN, MSG_DONTWAIT, NULL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) b->err = errno, failed = 1;
        break;
      }
      double at = now_ms();
      for (int i = 0; i < n; i++) {
        uint32_t len = msgs[i].msg_len;
        memcpy(b->data + b->bytes, iov[i].iov_base, len);
        b->bytes += len;
        b->stamps[b->count] = at;
        b->lengths[b->count] = len;
        put_source(b->sources + (size_t)b->count * SOURCE_BYTES, &from[i]);
        b->count++;
      }
    }
  }
  // Stopped: what was read and not yet handed on still goes (JavaScript waits for it in close()).
  if (b && (b->count > 0 || b->err)) deliver(r, b), b = NULL;
out:
  batch_free(b);
  free(scratch);
  napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
  return NULL;
}

// On the JavaScript thread: one batch becomes (data, stamps, lengths, sources, count, errno).
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  (void)context;
  batch_t *b = data;
  if (!env || !b) {
    batch_free(b);
    return;
  }
  napi_value argv[6], undefined, ab;
  void *p;
  napi_create_buffer_copy(env, b->bytes, b->bytes ? (void *)b->data : (void *)"", NULL, &argv[0]);
  napi_create_arraybuffer(env, sizeof(double) * b->count, &p, &ab);
  if (b->count) memcpy(p, b->stamps, sizeof(double) * b->count);
  napi_create_typedarray(env, napi_float64_array, b->count, ab, 0, &argv[1]);
  napi_create_arraybuffer(env, sizeof(uint32_t) * b->count, &p, &ab);
  if (b->count) memcpy(p, b->lengths, sizeof(uint32_t) * b->count);
  napi_create_typedarray(env, napi_uint32_array, b->count, ab, 0, &argv[2]);
  napi_create_arraybuffer(env, (size_t)SOURCE_BYTES * b->count, &p, &ab);
  if (b->count) memcpy(p, b->sources, (size_t)SOURCE_BYTES * b->count);
  napi_create_typedarray(env, napi_uint8_array, (size_t)SOURCE_BYTES * b->count, ab, 0, &argv[3]);
  napi_create_uint32(env, b->count, &argv[4]);
  napi_create_int32(env, b->err, &argv[5]);
  batch_free(b);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, cb, 6, argv, NULL);
}

// Every batch was delivered and the thread has ended: the close callback runs, then all is freed.
static void finalize(napi_env env, void *data, void *hint) {
  (void)data;
  reader_t *r = hint;
  if (r->started) pthread_join(r->thread, NULL);
  close(r->wake);
  if (r->done_cb) {
    napi_value cb, undefined;
    napi_get_reference_value(env, r->done_cb, &cb);
    napi_get_undefined(env, &undefined);
    if (cb) napi_call_function(env, undefined, cb, 0, NULL, NULL);
    napi_delete_reference(env, r->done_cb);
  }
  free(r);
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static reader_t *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *r = NULL;
  napi_get_cb_info(env, info, argc, argv, &self, &r);
  return r;
}

static napi_value reader_ack(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  reader_t *r = unwrap(env, info, &argc, NULL);
  if (!r || atomic_load(&r->stop)) return NULL;
  atomic_store(&r->outstanding, 0);
  uint64_t one = 1;
  if (write(r->wake, &one, sizeof one) < 0) { /* the counter is full: the thread is awake anyway */ }
  return NULL;
}

static napi_value reader_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  reader_t *r = unwrap(env, info, &argc, argv);
  if (!r || atomic_exchange(&r->stop, 1)) return NULL;  // closed already
  if (argc >= 1) napi_create_reference(env, argv[0], 1, &r->done_cb);
  uint64_t one = 1;
  if (write(r->wake, &one, sizeof one) < 0) { /* the stop flag alone ends the loop at its next batch */ }
  // The JavaScript thread's own reference: once the thread releases its own, finalize runs.
  napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
  return NULL;
}

static napi_value open_reader(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  napi_valuetype t;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "open(fd, onBatch): a socket's file descriptor and a function");
    return NULL;
  }
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) return throw_errno(env, "not a socket", errno);
  if (type != SOCK_DGRAM) {
    napi_throw_error(env, NULL, "not a datagram socket");
    return NULL;
  }
  reader_t *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, "open", ENOMEM);
  r->fd = fd;
  r->env = env;
  r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->wake < 0) {
    int e = errno;
    free(r);
    return throw_errno(env, "eventfd", e);
  }
  napi_value name;
  napi_create_string_utf8(env, "gapscope recvmmsg", NAPI_AUTO_LENGTH, &name);
  // Two references: the reading thread's and the JavaScript side's (given up by close()).
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, 8, 2, NULL, finalize, r, call_js, &r->tsfn) != napi_ok) {
    close(r->wake);
    free(r);
    napi_throw_error(env, NULL, "cannot create the batch callback");
    return NULL;
  }
  if (pthread_create(&r->thread, NULL, read_loop, r) != 0) {
    int e = errno;
    atomic_store(&r->stop, 1);
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
    return throw_errno(env, "cannot start the reading thread", e);
  }
  r->started = 1;
  napi_value obj, fn;
  napi_create_object(env, &obj);
  napi_create_function(env, "close", NAPI_AUTO_LENGTH, reader_close, r, &fn);
  napi_set_named_property(env, obj, "close", fn);
  napi_create_function(env, "ack", NAPI_AUTO_LENGTH, reader_ack, r, &fn);
  napi_set_named_property(env, obj, "ack", fn);
  return obj;
}

static napi_value js_now_ms(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_double(env, now_ms(), &v);
  return v;
}

#define SEND_VLEN 256  // datagrams per sendmmsg call

// host -> sockaddr; 0 when it is not an address.
static socklen_t parse_target(const char *host, uint32_t port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return sizeof *a4;
  }
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  if (strlen(host) >= sizeof text) return 0;
  strcpy(text, host);
  char *scope = strchr(text, '%');
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (scope) {
    *scope++ = 0;
    char *end;
    unsigned long n = strtoul(scope, &end, 10);
    a6->sin6_scope_id = *scope && !*end ? (uint32_t)n : if_nametoindex(scope);
    if (!a6->sin6_scope_id) return 0;
  }
  if (inet_pton(AF_INET6, text, &a6->sin6_addr) != 1) return 0;
  a6->sin6_family = AF_INET6;
  a6->sin6_port = htons((uint16_t)port);
  return sizeof *a6;
}

static napi_value js_send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  uint32_t port = 0, count = 0;
  bool is_array = false;
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  size_t host_len = 0;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_value_string_utf8(env, argv[2], host, sizeof host, &host_len) != napi_ok || napi_get_value_uint32(env, argv[3], &port) != napi_ok || port == 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "sendBatch(fd, datagrams, host, port): a socket's file descriptor, an array of Uint8Array, an address and a port");
    return NULL;
  }
  struct sockaddr_storage to;
  socklen_t to_len = parse_target(host, port, &to);
  if (!to_len) {
    napi_throw_type_error(env, NULL, "sendBatch: the host is not an IPv4 or IPv6 address");
    return NULL;
  }
  napi_get_array_length(env, argv[1], &count);
  struct mmsghdr msgs[SEND_VLEN];
  struct iovec iov[SEND_VLEN];
  uint32_t sent = 0;
  int err = 0;
  while (sent < count && !err) {
    uint32_t chunk = count - sent < SEND_VLEN ? count - sent : SEND_VLEN;
    for (uint32_t i = 0; i < chunk; i++) {
      napi_value item;
      napi_typedarray_type type;
      size_t length = 0;
      void *data = NULL;
      if (napi_get_element(env, argv[1], sent + i, &item) != napi_ok || napi_get_typedarray_info(env, item, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
        napi_throw_type_error(env, NULL, "sendBatch: every datagram must be a Uint8Array");
        return NULL;
      }
      iov[i].iov_base = data;
      iov[i].iov_len = length;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to;
      msgs[i].msg_hdr.msg_namelen = to_len;
    }
    int n = sendmmsg(fd, msgs, chunk, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno == EWOULDBLOCK ? EAGAIN : errno;
      break;
    }
    sent += (uint32_t)n;
    // A short count: the next call says why the next datagram was not taken.
  }
  napi_value result, v;
  napi_create_object(env, &result);
  napi_create_uint32(env, sent, &v);
  napi_set_named_property(env, result, "sent", v);
  napi_create_int32(env, err, &v);
  napi_set_named_property(env, result, "errno", v);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "sendBatch", NAPI_AUTO_LENGTH, js_send_batch, NULL, &fn);
  napi_set_named_property(env, exports, "sendBatch", fn);
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, open_reader, NULL, &fn);
  napi_set_named_property(env, exports, "open", fn);
  napi_create_function(env, "nowMs", NAPI_AUTO_LENGTH, js_now_ms, NULL, &fn);
  napi_set_named_property(env, exports, "nowMs", fn);
  return exports;
}
