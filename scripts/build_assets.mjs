// Builds the front-end assets from npm packages into rattvag/core/static/{build,vendor}.
// Run by `make` after `npm ci`; nothing is fetched at run time.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const root = new URL("..", import.meta.url).pathname;
const staticDir = `${root}rattvag/core/static`;
const govuk = `${root}node_modules/govuk-frontend/dist/govuk`;

mkdirSync(`${staticDir}/build`, { recursive: true });
mkdirSync(`${staticDir}/vendor`, { recursive: true });

const css = sass.compile(`${root}rattvag/core/frontend/rattvag.scss`, {
  loadPaths: [`${root}node_modules`],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${staticDir}/build/rattvag.css`, css.css);

cpSync(`${govuk}/govuk-frontend.min.js`, `${staticDir}/vendor/govuk-frontend.min.js`);
cpSync(`${govuk}/assets`, `${staticDir}/vendor/govuk-assets`, { recursive: true });
cpSync(`${root}node_modules/htmx.org/dist/htmx.min.js`, `${staticDir}/vendor/htmx.min.js`);
console.log("Front-end assets built.");
