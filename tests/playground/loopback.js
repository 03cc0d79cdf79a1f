// Preloaded with NODE_OPTIONS="--require ./loopback.js": the Agents Playground listens on every
// interface and has no flag for that, so pin each server it starts to 127.0.0.1.
"use strict";
const net = require("net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length === 0 || typeof args[0] === "function") {
    args = [{ port: 0, host: "127.0.0.1" }, ...args];
  } else if (typeof args[0] === "object" && args[0] !== null) {
    if (args[0].port !== undefined && args[0].path === undefined) {
      args[0] = { ...args[0], host: "127.0.0.1" };
    }
  } else if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    const rest = args.slice(1);
    if (typeof rest[0] === "string" || rest[0] === null || rest[0] === undefined) rest.shift();
    args = [args[0], "127.0.0.1", ...rest];
  }
  return listen.apply(this, args);
};
