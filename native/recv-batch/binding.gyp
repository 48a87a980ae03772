{
  "targets": [
    {
      "target_name": "recv_batch",
      "sources": ["recv_batch.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
