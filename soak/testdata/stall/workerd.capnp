# workerd.capnp — bare workerd serving worker.js, for
# TestWorkerdClosesKeepAliveAfterStall (the socket is passed with -s).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .stall)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const stall :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-04-20",
);
