# workerd.capnp — bare workerd (no Miniflare) serving worker.js on
# 127.0.0.1:28999, for finding 2's baseline (docs/reliability.md):
#   worker/node_modules/.bin/workerd serve soak/testdata/baseline/workerd.capnp
# Uncomment v8Flags to see the RSS stay flat.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .baseline)],
  sockets = [(name = "http", address = "127.0.0.1:28999", http = (), service = "main")],
  # v8Flags = ["--max-semi-space-size=1"],
);

const baseline :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-04-20",
);
