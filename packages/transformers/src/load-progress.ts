/**
 * Progress reported while a model downloads and opens, shaped like the progress events of the
 * rest of etch (`fraction` in [0, 1] plus a message) so one progress bar can show every stage.
 */

/** One progress update of `AutoModelForCausalLM.fromPretrained`. */
export interface LoadProgressEvent {
  /** `download`: fetching files from the Hub; `load`: reading the local folder. */
  readonly stage: 'download' | 'load';
  /** Completed share of the stage, in [0, 1]. */
  readonly fraction: number;
  readonly message: string;
  /** The file being downloaded (download stage). */
  readonly file?: string;
}
