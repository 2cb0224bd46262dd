// Entry point of the production bundle (wwwroot/js/app.js). It defines no globals: the test hook lives
// in a bundle of its own (test-hooks.ts) that the server serves only when Client:TestHooks is on.

import { startPage } from "./page";

startPage();
