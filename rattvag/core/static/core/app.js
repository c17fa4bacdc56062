// Progressive enhancement only: every page works without this file.
// GOV.UK Frontend initialises only on <body class="govuk-frontend-supported">, which its template sets
// with an inline script; our Content-Security-Policy forbids inline scripts, so it is set here.
import { initAll } from "../vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
