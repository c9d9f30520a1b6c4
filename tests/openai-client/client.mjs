// The official openai client against a t5sharp server: node client.mjs BASE_URL PROMPT
// Prints one JSON object: the text of a completion and a chat answer, each non-streamed and streamed.
import OpenAI from "openai";

const [baseURL, prompt] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "test-key" });
const messages = [{ role: "user", content: "hi there" }, { role: "assistant", content: "hello" }, { role: "user", content: prompt }];

const completion = await client.completions.create({ model: "tiny", prompt, max_tokens: 12 });
let completionStream = "";
for await (const chunk of await client.completions.create({ model: "tiny", prompt, max_tokens: 12, stream: true }))
  completionStream += chunk.choices[0].text;
const chat = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 12 });
let chatStream = "";
let finish = null;
for await (const chunk of await client.chat.completions.create({ model: "tiny", messages, max_tokens: 12, stream: true })) {
  chatStream += chunk.choices[0].delta.content ?? "";
  finish = chunk.choices[0].finish_reason ?? finish;
}
const models = (await client.models.list()).data.map(m => m.id);
console.log(JSON.stringify({
  completion: completion.choices[0].text, completionStream, chat: chat.choices[0].message.content, chatStream, finish, models,
  usage: completion.usage,
}));
