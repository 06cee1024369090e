import { Link } from 'react-router';
import { Empty } from '../components/states';

export default function NotFoundPage() {
  return (
    <Empty title="This page does not exist">
      <Link to="/">Back to the overview</Link>
    </Empty>
  );
}
