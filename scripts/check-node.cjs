/* global process, console */
// Runs before `npm install`, `npm start` and `npm test`: one plain sentence instead of a failure deep
// inside a dependency when the machine's Node is not the one the project runs on.
// (CommonJS and no dependencies, so it runs on any Node.)
const major = Number(process.versions.node.split(".")[0]);
if (major !== 24) {
  console.error(
    `This project needs Node 24 LTS (this is Node ${process.versions.node}): run \`source scripts/node24.sh\`, ` +
      "which installs it from the npm registry into .tools/ and puts it first on PATH, then run the command again.",
  );
  process.exit(1);
}
