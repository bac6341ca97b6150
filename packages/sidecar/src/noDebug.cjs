// What the sidecar's build puts in place of the `debug` package, which router (bundled into the
// start-up chunk) calls on every request: logging that nobody turns on, whose set-up lengthened a
// cold start (bench/README.md).
module.exports = () => Object.assign(() => {}, { enabled: false });
