// Progressive enhancement only: every page works without this file.
// Bundled by scripts/build_assets.mjs into static/build/app.js: one file, no module imports at run time,
// so the browser only ever asks for the hashed, far-future-cached name that {% static %} gives.
import { Button, Checkboxes, createAll, ErrorSummary, NotificationBanner, Radios, SkipLink } from "govuk-frontend";

// GOV.UK Frontend initialises only on <body class="govuk-frontend-supported">, which its template sets
// with an inline script; our Content-Security-Policy forbids inline scripts, so it is set here.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

// The components the templates use (data-module="govuk-…"); tests/test_page_weight.py checks the list.
for (const Component of [Button, Checkboxes, ErrorSummary, NotificationBanner, Radios, SkipLink]) {
  createAll(Component);
}

