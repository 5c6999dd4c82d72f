// `npm run mail-catcher [-- --port N]`: a mail server on 127.0.0.1 for
// trying the reset flow on a laptop. It delivers nothing: it prints each
// mail it receives, and keeps running until stopped.
import { parseArgs } from "node:util";
import { MailCatcher } from "./mail-catcher.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "1025" } } });
const catcher = await MailCatcher.start(Number(values.port));
catcher.onMail = (mail) => console.log(`--- mail to ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`);
console.log(`catching mail on smtp://127.0.0.1:${catcher.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void catcher.stop().then(() => process.exit(0)));
