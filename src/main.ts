// Page entry.
import './ui/app.ts';
