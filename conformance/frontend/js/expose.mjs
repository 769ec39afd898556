// expose.mjs is node's --import for every run: it registers
// expose-hooks.mjs, which makes the data layer's bundle export what it
// builds but does not export (see there).
import { register } from 'node:module';

register('./expose-hooks.mjs', import.meta.url);
