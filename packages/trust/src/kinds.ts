/**
 * The triage kinds of the MMP output trust judges. The cms package, the one home of MMP
 * parsing, recognises them; a transcript of several commands is split by the parsers.
 */
export const MMP_KINDS = ['cms-mmp-webbridge', 'cms-mmp-webbridge3', 'cms-mmp-callbridge', 'cms-mmp-transcript'] as const;
