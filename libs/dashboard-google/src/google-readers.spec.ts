import { describe, expect, it } from 'vitest';
import { toCalendarEvent, toDriveFile, toMailSummary } from './google-readers.js';

describe('toCalendarEvent', () => {
  it('keeps all-day events as dates (end exclusive) and turns timed ones into UTC', () => {
    expect(toCalendarEvent({ id: 'a', summary: 'Trip', start: { date: '2026-12-24' }, end: { date: '2026-12-27' } })).toEqual({
      id: 'a',
      summary: 'Trip',
      start: '2026-12-24',
      end: '2026-12-27',
      allDay: true,
      location: null,
    });
    expect(toCalendarEvent({ id: 'b', start: { dateTime: '2026-12-24T18:00:00-05:00' }, end: { dateTime: '2026-12-24T19:00:00-05:00' }, location: ' Home ' })).toEqual({
      id: 'b',
      summary: '(no title)',
      start: '2026-12-24T23:00:00.000Z',
      end: '2026-12-25T00:00:00.000Z',
      allDay: false,
      location: 'Home',
    });
  });

  it('drops cancelled and malformed events', () => {
    expect(toCalendarEvent({ id: 'c', status: 'cancelled', start: { dateTime: '2026-12-24T18:00:00Z' } })).toBeNull();
    expect(toCalendarEvent({ start: { dateTime: '2026-12-24T18:00:00Z' } })).toBeNull();
    expect(toCalendarEvent({ id: 'd', start: { dateTime: 'not a time' } })).toBeNull();
    expect(toCalendarEvent({ id: 'e', start: {} })).toBeNull();
  });

  it('uses the start as end when the end is missing', () => {
    expect(toCalendarEvent({ id: 'f', start: { dateTime: '2026-12-24T18:00:00Z' } })?.end).toBe('2026-12-24T18:00:00.000Z');
  });
});

describe('toMailSummary', () => {
  it('reads From and Subject case-insensitively and dates by receipt time', () => {
    const message = {
      id: 'm1',
      internalDate: String(Date.parse('2026-12-01T08:00:00Z')),
      payload: { headers: [{ name: 'from', value: 'Ann <ann@example.test>' }, { name: 'SUBJECT', value: 'Hello' }, { name: 'Date', value: 'Mon, 30 Nov 2026 10:00:00 +0000' }] },
    };
    expect(toMailSummary(message)).toEqual({ id: 'm1', from: 'Ann <ann@example.test>', subject: 'Hello', date: '2026-12-01T08:00:00.000Z' });
  });

  it('falls back to the Date header and placeholders', () => {
    expect(toMailSummary({ id: 'm2', payload: { headers: [{ name: 'Date', value: 'Mon, 30 Nov 2026 10:00:00 +0100' }] } })).toEqual({
      id: 'm2',
      from: '(unknown sender)',
      subject: '(no subject)',
      date: '2026-11-30T09:00:00.000Z',
    });
    expect(toMailSummary({})).toBeNull();
  });
});

describe('toDriveFile', () => {
  it('maps the documented fields, webViewLink null when absent', () => {
    expect(toDriveFile({ id: 'f', name: 'Plan', mimeType: 'application/pdf', modifiedTime: '2026-12-01T08:00:00.123Z' })).toEqual({
      id: 'f',
      name: 'Plan',
      mimeType: 'application/pdf',
      modifiedTime: '2026-12-01T08:00:00.123Z',
      webViewLink: null,
    });
    expect(toDriveFile({ name: 'no id' })).toBeNull();
  });
});
