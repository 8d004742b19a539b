// What the page says when the user's tokens come from an encoder the shipped ranker was not trained
// on (tokens never mix across encoders), and the command that would train one.
import { DEFAULT_ENCODER_ID, type EncoderEntry } from '../../encode/shared/manifest.ts';

export function noRankerNote(e: EncoderEntry): string {
  return `No ranker is trained for ${e.name} tokens yet: the shipped ranker reads ${DEFAULT_ENCODER_ID} tokens, so models are not ranked on this encoder (its tokens can still be downloaded). ` +
    `To train one: place the file as ../shared/models/encoders/${e.file}, then run \`npm run setup && npm run rank:train -- --encoder ${e.id}\`.`;
}
